// BullMQ refuses some custom job ids: integers ("42"), and ids with ':' unless they split
// into exactly three parts (its own repeat-job format). Platform update keys look like
// "telegram:42:1001", so they are escaped into a form BullMQ accepts. The mapping is
// deterministic (a redelivered update gets the same id, so BullMQ keeps one job) and
// injective ('%' is escaped first, so two different keys never share an id).

const PREFIX = "u-";

/** The BullMQ job id for a platform update key. */
export function jobIdFor(key: string): string {
  if (key.length === 0) throw new TypeError("A job id needs a non-empty key");
  return PREFIX + key.replace(/%/g, "%25").replace(/:/g, "%3A");
}

/** The update key a job id was made from (for logs and inspection). */
export function keyOfJobId(jobId: string): string {
  const escaped = jobId.startsWith(PREFIX) ? jobId.slice(PREFIX.length) : jobId;
  return escaped.replace(/%3A/g, ":").replace(/%25/g, "%");
}
