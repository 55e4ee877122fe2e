// When a community's daily digest is due: pure calendar arithmetic over IANA time zones (Intl), so the
// job, /digest's status and the tests agree. A digest is due once its local hour has come on a local
// day later than the last one done; a worker that was down at the hour still sends it later that day,
// and a day is done once (so DST's repeated hour in autumn cannot send it twice, and spring's missing
// hour sends it at the first hour after the gap).

/** A local calendar day, "YYYY-MM-DD": ordered as text, and how the database's DATE column is read. */
export type LocalDate = string;

export interface LocalTime {
  date: LocalDate;
  /** 0-23. */
  hour: number;
  minute: number;
}

/** What the schedule needs of a stored digest. */
export interface DigestSchedule {
  hour: number;
  timeZone: string;
  /** The last local day that needs no digest any more (sent, or past the hour when switched on). */
  lastLocalDate: LocalDate;
}

export const DEFAULT_DIGEST_TIME_ZONE = "UTC";
const MAX_TIME_ZONE_LENGTH = 64;
const DAY_MS = 86_400_000;

// One formatter per zone: building one costs far more than formatting with it.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      // h23, not hour12: false, which some engines answer with "24" at midnight.
      hourCycle: "h23",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * The zone as Intl names it ("europe/berlin" is "Europe/Berlin"), or undefined when Intl does not
 * know it: only zones the worker's clock can read are stored.
 */
export function canonicalTimeZone(input: string): string | undefined {
  const zone = input.trim();
  if (zone === "" || zone.length > MAX_TIME_ZONE_LENGTH) return undefined;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The local day, hour and minute at `instant` in the zone. */
export function localTimeOf(instant: number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatterOf(timeZone).formatToParts(new Date(instant))) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

/** The calendar day `days` after (or before) `date`. */
export function addDays(date: LocalDate, days: number): LocalDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The local day the digest is due on at `now`, or undefined when it is not due. */
export function dueLocalDate(digest: DigestSchedule, now: number): LocalDate | undefined {
  const local = localTimeOf(now, digest.timeZone);
  return local.hour >= digest.hour && local.date > digest.lastLocalDate ? local.date : undefined;
}

/**
 * `lastLocalDate` for a digest switched on (or moved) at `now`: a day already past the new hour is
 * done, so the first digest comes at the next hour rather than at once; a day already sent stays done.
 */
export function lastLocalDateWhenSwitchedOn(
  schedule: Pick<DigestSchedule, "hour" | "timeZone">,
  now: number,
  previous?: LocalDate,
): LocalDate {
  const local = localTimeOf(now, schedule.timeZone);
  const done = local.hour >= schedule.hour ? local.date : addDays(local.date, -1);
  return previous !== undefined && previous > done ? previous : done;
}

/** Minutes the zone is ahead of UTC at `instant` (to the minute: zones' seconds of old are dropped). */
function offsetMinutesAt(instant: number, timeZone: string): number {
  const local = localTimeOf(instant, timeZone);
  const [year, month, day] = local.date.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(year, month - 1, day, local.hour, local.minute);
  return Math.round((wall - Math.floor(instant / 60_000) * 60_000) / 60_000);
}

/**
 * The first instant of `date` whose local hour is `hour` or later: the hour itself, its first
 * occurrence when autumn repeats it, the end of the gap when spring skips it. Undefined for a day the
 * zone skipped altogether.
 */
export function instantOfLocalHour(date: LocalDate, hour: number, timeZone: string): number | undefined {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour);
  // The zone's offsets around that day: the instant is the wall time less one of them.
  const offsets = new Set([-DAY_MS, 0, DAY_MS].map((shift) => offsetMinutesAt(wall + shift, timeZone)));
  let first: number | undefined;
  for (const offset of offsets) {
    const candidate = wall - offset * 60_000;
    const local = localTimeOf(candidate, timeZone);
    if (local.date === date && local.hour >= hour && (first === undefined || candidate < first))
      first = candidate;
  }
  return first;
}

/** When the next digest becomes due (it is posted at the job's next run after that). */
export function nextDigestAt(digest: DigestSchedule, now: number): Date | undefined {
  const today = localTimeOf(now, digest.timeZone).date;
  // The first day after the last one done, and not before today (whose hour may have come: then now).
  const next = addDays(digest.lastLocalDate, 1);
  const day = next > today ? next : today;
  const instant = instantOfLocalHour(day, digest.hour, digest.timeZone);
  return instant === undefined ? undefined : new Date(Math.max(instant, now));
}
