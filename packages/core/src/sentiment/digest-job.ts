// sentiment.digest: every few minutes the job posts the daily digests that have come due (digest-
// schedule.ts), each the /sentiment report of the last 24 hours with its chart (composeSentimentReport,
// the same code /sentiment answers with). Each is delivered once per community and local day (the
// delivery key), and its day recorded as done, so a job run twice, or retried after it posted some,
// never posts one twice. A quiet day still gets a one-line digest: admins asked for a post every day,
// and a missing one reads as a broken bot. A community that stopped reading chatter gets none.
import { translator, type Language } from "../messages/index.ts";
import { replyTargetSchema, type CommunityRef, type ReplyTarget } from "../platform.ts";
import type { SettingsModel } from "../settings.ts";
import type { DeliverOnce } from "../usecases/deliver.ts";
import { dueLocalDate, type DigestSchedule, type LocalDate } from "./digest-schedule.ts";
import { MIN_REPORT_MESSAGES } from "./report.ts";
import { composeSentimentReport, type SentimentReportDependencies } from "./report-job.ts";

/** Most digests one run posts; the rest are still due at the next run, minutes later. */
export const MAX_DIGESTS_PER_RUN = 200;

/** A stored digest the job may have to post. */
export interface DigestCandidate extends DigestSchedule {
  community: Pick<CommunityRef, "platform" | "externalId">;
  /** As stored: checked against replyTargetSchema before anything is posted to it. */
  target: unknown;
}

export interface SentimentDigestDependencies extends Pick<
  SentimentReportDependencies,
  "scoredIn" | "drawChart" | "logger"
> {
  /**
   * Switched-on digests whose last day done is `onOrBefore` or earlier: every digest that can be due
   * (a zone's today is at most a day past UTC's), and fewer than all.
   */
  candidates(onOrBefore: LocalDate): Promise<DigestCandidate[]>;
  /** Records the day as done, unless it or a later day already is. */
  markDone(community: DigestCandidate["community"], date: LocalDate): Promise<void>;
  /** The community's stored settings (its language, whether it reads chatter); null when unknown. */
  settingsOf(community: DigestCandidate["community"]): Promise<unknown>;
  settingsModel: Pick<SettingsModel, "parse">;
  deliver: DeliverOnce;
  /** The clock; Date.now unless a test moves it. */
  now?: () => number;
}

export interface DigestRunResult {
  /** Digests posted with a report. */
  sent: number;
  /** Quiet-day digests posted. */
  quiet: number;
  /** Due days passed over: chatter tracking off, a target that cannot be posted to. */
  skipped: number;
}

/** Some digests could not be posted for now: the job is retried, and the posted ones are not posted again. */
export class DigestsNotPostedError extends Error {
  override readonly name = "DigestsNotPostedError";
  constructor(
    readonly failed: number,
    options: { cause: unknown },
  ) {
    super(`${failed} daily digest(s) could not be posted yet`, options);
  }
}

/** The delivery key of a community's digest of one local day. */
export const digestDeliveryKey = (community: DigestCandidate["community"], date: LocalDate) =>
  `sentiment-digest:${community.platform}:${community.externalId}:${date}`;

// A delivery error the platform will answer the same way tomorrow (the bot was removed, the chat is
// gone) says so with `retryable: false`; anything else may pass.
const isPermanent = (error: unknown) =>
  typeof error === "object" && error !== null && "retryable" in error && error.retryable === false;

/** Posts every digest due now; throws DigestsNotPostedError when some must be tried again. */
export async function sendDueDigests(
  deps: SentimentDigestDependencies,
  signal?: AbortSignal,
): Promise<DigestRunResult> {
  const now = deps.now ?? Date.now;
  const result: DigestRunResult = { sent: 0, quiet: 0, skipped: 0 };
  const utcToday = new Date(now()).toISOString().slice(0, 10);
  let attempted = 0;
  let failed = 0;
  let lastError: unknown;
  for (const candidate of await deps.candidates(utcToday)) {
    signal?.throwIfAborted();
    const date = dueLocalDate(candidate, now());
    if (!date) continue;
    if (attempted === MAX_DIGESTS_PER_RUN) break;
    attempted += 1;
    try {
      const outcome = await sendDigest(candidate, date, deps, now);
      result[outcome] += 1;
      await deps.markDone(candidate.community, date);
    } catch (error) {
      const key = digestDeliveryKey(candidate.community, date);
      if (isPermanent(error)) {
        // Tried again tomorrow; /digest off or on again in a reachable chat settles it for good.
        deps.logger?.warn({ err: error, key }, "daily digest cannot be posted there; skipped today");
        result.skipped += 1;
        await deps.markDone(candidate.community, date);
        continue;
      }
      deps.logger?.warn({ err: error, key }, "daily digest not posted; trying again");
      failed += 1;
      lastError = error;
    }
  }
  if (failed > 0) throw new DigestsNotPostedError(failed, { cause: lastError });
  return result;
}

async function sendDigest(
  candidate: DigestCandidate,
  date: LocalDate,
  deps: SentimentDigestDependencies,
  now: () => number,
): Promise<keyof DigestRunResult> {
  const key = digestDeliveryKey(candidate.community, date);
  const target = replyTargetSchema.safeParse(candidate.target);
  if (!target.success) {
    deps.logger?.warn({ key }, "daily digest has no target it can post to; skipped");
    return "skipped";
  }
  const settings = deps.settingsModel.parse(await deps.settingsOf(candidate.community));
  // Nothing is read while tracking is off: a daily "quiet day" would only nag. /digest says why.
  if (!settings.sentiment.tracking) return "skipped";
  const message = await digestMessage(candidate, target.data, date, settings.language, deps, now);
  await deps.deliver(target.data, message.message, key);
  return message.outcome;
}

async function digestMessage(
  candidate: DigestCandidate,
  target: ReplyTarget,
  date: LocalDate,
  language: Language,
  deps: SentimentDigestDependencies,
  now: () => number,
) {
  const t = translator(language);
  // Chatter is kept only for groups, so the community is one.
  const community: CommunityRef = { ...candidate.community, kind: "group" };
  const composed = await composeSentimentReport(
    { community, window: "24h", to: new Date(now()), t, target, key: digestDeliveryKey(community, date) },
    deps,
  );
  if (!composed) {
    return {
      outcome: "quiet" as const,
      message: { text: t("digest.post.quiet", { date, min: MIN_REPORT_MESSAGES }) },
    };
  }
  const { chart } = composed;
  return {
    outcome: "sent" as const,
    message: {
      text: [t("digest.post.header", { date }), composed.text].join("\n"),
      ...(chart ? { picture: { ...chart, fileName: `sentiment-digest-${date}.png` } } : {}),
    },
  };
}
