// The worker's side of /sentiment: reads the scored chatter of the window and the one before it,
// builds the report, draws its chart and answers once (deliver's run key). Too little chatter is a
// short reply; a chart that cannot be drawn leaves the text answer, which still says everything.
import type { RunRecorder } from "../dispatch.ts";
import type { CommandRun, JobPayload } from "../jobs/catalog.ts";
import { throwIfTooLateToStart } from "../jobs/reply-window.ts";
import { translator } from "../messages/index.ts";
import type { CommunityRef, OutgoingPicture } from "../platform.ts";
import type { DeliverOnce } from "../usecases/deliver.ts";
import { runRecordOf } from "../usecases/report-failed-run.ts";
import {
  buildSentimentReport,
  MIN_REPORT_MESSAGES,
  SENTIMENT_WINDOWS,
  type ScoredMessage,
  type SentimentBucket,
  type SentimentReport,
} from "./report.ts";
import { whileUploading, type PictureSending } from "../studio/picture-reply.ts";

export interface SentimentReportDependencies {
  /** The community's scored chatter in [from, to), oldest first (the chatter repository's scoredIn). */
  scoredIn(
    community: CommunityRef,
    range: { symbol?: string; from: Date; to: Date },
  ): Promise<ScoredMessage[]>;
  /** Draws the chart (@memebot/render's drawSentimentChart). */
  drawChart(
    points: readonly SentimentBucket[],
    labels: { title: string; sentiment: string; messages: string },
  ): Promise<{ bytes: Uint8Array; mimeType: OutgoingPicture["mimeType"] }>;
  deliver: DeliverOnce;
  runs: RunRecorder;
  /** "sending a photo…" while the chart is drawn; just the work without it. */
  showUploading?: PictureSending["showUploading"];
  /** The clock; Date.now unless a test moves it. */
  now?: () => number;
  logger?: { warn(object: object, message: string): void };
}

const signed = (value: number) => (value > 0 ? `+${value}` : String(value));

function reportText(
  report: SentimentReport,
  t: ReturnType<typeof translator>,
  subject: string,
  window: string,
): string {
  const mood = report.score >= 15 ? "bullish" : report.score <= -15 ? "bearish" : "neutral";
  const lines = [
    t("sentiment.report.header", {
      subject,
      window,
      score: signed(report.score),
      mood: t(`sentiment.mood.${mood}`),
    }),
    report.change === null
      ? t("sentiment.report.noChange", { window })
      : t("sentiment.report.change", { window, change: signed(report.change) }),
    t("sentiment.report.shares", report.shares),
    t("sentiment.report.counts", { messages: report.messages, authors: report.authors }),
  ];
  for (const side of ["bullish", "bearish"] as const) {
    const quotes = report.quotes[side];
    if (quotes.length === 0) continue;
    lines.push(t(`sentiment.report.quotes.${side}`));
    for (const quote of quotes) lines.push(t("sentiment.report.quote", { quote }));
  }
  return lines.join("\n");
}

async function answer(
  run: CommandRun,
  deps: SentimentReportDependencies,
  reply: {
    text: string;
    outcome: string;
    picture?: { bytes: Uint8Array; mimeType: OutgoingPicture["mimeType"] };
  },
): Promise<{ outcome: string }> {
  const { picture } = reply;
  await deps.deliver(
    run.target,
    {
      text: reply.text,
      answers: run.key,
      ...(picture
        ? { picture: { bytes: picture.bytes, mimeType: picture.mimeType, fileName: "sentiment.png" } }
        : {}),
    },
    run.key,
  );
  await deps.runs.record({ ...runRecordOf(run), status: "succeeded", outcome: reply.outcome });
  return { outcome: reply.outcome };
}

/** sentiment.report: read, build, draw, answer. */
export async function answerSentimentReport(
  payload: JobPayload<"sentiment.report">,
  deps: SentimentReportDependencies,
): Promise<{ outcome: string }> {
  const { run, symbol, window } = payload;
  const now = deps.now ?? Date.now;
  throwIfTooLateToStart(run, now);
  const t = translator(run.language);
  const to = new Date(now());
  // This window and the one before it, in one read: the change needs both.
  const from = new Date(to.getTime() - 2 * SENTIMENT_WINDOWS[window]);
  const messages = await deps.scoredIn(run.community, { ...(symbol ? { symbol } : {}), from, to });
  const subject = symbol ? t("sentiment.subject.token", { symbol }) : t("sentiment.subject.all");
  const report = buildSentimentReport(messages, window, to);
  if (!report) {
    return answer(run, deps, {
      text: t("sentiment.notEnough", { subject, window, min: MIN_REPORT_MESSAGES }),
      outcome: "sentiment.notEnough",
    });
  }
  const labels = {
    title: t("sentiment.chart.title", { subject, window }),
    sentiment: t("sentiment.chart.sentiment"),
    messages: t("sentiment.chart.messages"),
  };
  const draw = () => deps.drawChart(report.buckets, labels);
  let chart: { bytes: Uint8Array; mimeType: OutgoingPicture["mimeType"] } | undefined;
  const lines = [reportText(report, t, subject, window)];
  try {
    chart = await whileUploading(deps, run.target, draw);
  } catch (error) {
    // The numbers still answer the question; the chart is a convenience.
    deps.logger?.warn({ err: error, key: run.key }, "sentiment chart not drawn");
    lines.push(t("sentiment.report.chartFailed"));
  }
  return answer(run, deps, {
    text: lines.join("\n"),
    outcome: "sentiment.reported",
    ...(chart ? { picture: chart } : {}),
  });
}
