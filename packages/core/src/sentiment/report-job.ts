// The worker's side of /sentiment: reads the scored chatter of the window and the one before it,
// builds the report, draws its chart and answers once (deliver's run key). The daily digest
// (digest-job.ts) posts the same report through composeSentimentReport. Too little chatter is a
// short reply; a chart that cannot be drawn leaves the text answer, which still says everything.
import type { RunRecorder } from "../dispatch.ts";
import type { CommandRun, JobPayload } from "../jobs/catalog.ts";
import { throwIfTooLateToStart } from "../jobs/reply-window.ts";
import { translator, type Translator } from "../messages/index.ts";
import type { CommunityRef, OutgoingPicture, ReplyTarget } from "../platform.ts";
import type { DeliverOnce } from "../usecases/deliver.ts";
import { runRecordOf } from "../usecases/report-failed-run.ts";
import {
  buildSentimentReport,
  MIN_REPORT_MESSAGES,
  SENTIMENT_WINDOWS,
  type ScoredMessage,
  type SentimentBucket,
  type SentimentReport,
  type SentimentWindow,
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

function reportText(report: SentimentReport, t: Translator, subject: string, window: string): string {
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

/** The words for "what the report is about": a token, or all of the community's tokens. */
export function sentimentSubject(t: Translator, symbol?: string): string {
  return symbol ? t("sentiment.subject.token", { symbol }) : t("sentiment.subject.all");
}

/** What a sentiment report is asked for: the community's chatter in the window ending at `to`. */
export interface SentimentReportRequest {
  community: CommunityRef;
  symbol?: string;
  window: SentimentWindow;
  to: Date;
  t: Translator;
  /** Where it goes: "sending a photo…" shows there while the chart is drawn. */
  target: ReplyTarget;
  /** Names the report in logs (the run key, the digest's delivery key). */
  key: string;
}

/** A report in words, with its chart unless drawing it failed (the text then says so). */
export interface ComposedSentimentReport {
  report: SentimentReport;
  text: string;
  chart?: { bytes: Uint8Array; mimeType: OutgoingPicture["mimeType"] };
}

/**
 * Reads the window and the one before it, builds the report and draws its chart: what /sentiment
 * answers and the daily digest posts. Undefined when the window had too little chatter.
 */
export async function composeSentimentReport(
  request: SentimentReportRequest,
  deps: Pick<SentimentReportDependencies, "scoredIn" | "drawChart" | "showUploading" | "logger">,
): Promise<ComposedSentimentReport | undefined> {
  const { symbol, window, to, t } = request;
  // This window and the one before it, in one read: the change needs both.
  const from = new Date(to.getTime() - 2 * SENTIMENT_WINDOWS[window]);
  const messages = await deps.scoredIn(request.community, { ...(symbol ? { symbol } : {}), from, to });
  const report = buildSentimentReport(messages, window, to);
  if (!report) return undefined;
  const subject = sentimentSubject(t, symbol);
  const labels = {
    title: t("sentiment.chart.title", { subject, window }),
    sentiment: t("sentiment.chart.sentiment"),
    messages: t("sentiment.chart.messages"),
  };
  const draw = () => deps.drawChart(report.buckets, labels);
  const lines = [reportText(report, t, subject, window)];
  try {
    const chart = await whileUploading(deps, request.target, draw);
    return { report, text: lines.join("\n"), chart };
  } catch (error) {
    // The numbers still answer the question; the chart is a convenience.
    deps.logger?.warn({ err: error, key: request.key }, "sentiment chart not drawn");
    lines.push(t("sentiment.report.chartFailed"));
    return { report, text: lines.join("\n") };
  }
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
  const composed = await composeSentimentReport(
    {
      community: run.community,
      ...(symbol ? { symbol } : {}),
      window,
      to: new Date(now()),
      t,
      target: run.target,
      key: run.key,
    },
    deps,
  );
  if (!composed) {
    return answer(run, deps, {
      text: t("sentiment.notEnough", {
        subject: sentimentSubject(t, symbol),
        window,
        min: MIN_REPORT_MESSAGES,
      }),
      outcome: "sentiment.notEnough",
    });
  }
  return answer(run, deps, {
    text: composed.text,
    outcome: "sentiment.reported",
    ...(composed.chart ? { picture: composed.chart } : {}),
  });
}
