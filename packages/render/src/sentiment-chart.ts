// /sentiment's picture: sentiment (a line, -100..100) and volume (bars) over the window. A Vega-Lite
// spec is compiled to Vega and rendered headless to SVG (no canvas: Vega's SVG string renderer), and
// sharp (librsvg) turns the SVG into a PNG. Text is set in DejaVu Sans, a font librsvg finds here.
import sharp from "sharp";
import * as vega from "vega";
import type { TopLevelSpec } from "vega-lite";

type CompileVegaLite = (spec: TopLevelSpec) => vega.Spec;
let compileVegaLite: Promise<CompileVegaLite> | undefined;

/**
 * vega-lite's compiler, loaded on first use and kept from changing the process: loading vega-lite
 * adds `Set.prototype.toJSON`, which breaks other libraries (discord.js's inspector fails to load).
 * The patch is taken away as soon as the module is in, and put back only while a spec compiles
 * (synchronously, so nothing else runs meanwhile).
 */
function vegaLiteCompiler(): Promise<CompileVegaLite> {
  compileVegaLite ??= (async () => {
    const before = Object.getOwnPropertyDescriptor(Set.prototype, "toJSON");
    const restore = () => {
      if (before) Object.defineProperty(Set.prototype, "toJSON", before);
      else delete (Set.prototype as { toJSON?: unknown }).toJSON;
    };
    const { compile } = await import("vega-lite");
    const patched = Object.getOwnPropertyDescriptor(Set.prototype, "toJSON");
    restore();
    return (spec) => {
      if (patched) Object.defineProperty(Set.prototype, "toJSON", patched);
      try {
        return compile(spec).spec;
      } finally {
        restore();
      }
    };
  })();
  return compileVegaLite;
}

export interface SentimentChartPoint {
  start: Date;
  /** -100..100; null where nobody spoke (the line skips it). */
  score: number | null;
  messages: number;
}

export interface SentimentChartLabels {
  title: string;
  sentiment: string;
  messages: string;
}

export interface SentimentChart {
  bytes: Uint8Array;
  mimeType: "image/png";
  width: number;
  height: number;
}

/** The PNG's width: sharp on phones, well under the platforms' limits. */
export const SENTIMENT_CHART_WIDTH = 1200;
const FONT = "DejaVu Sans";
const PLOT = { width: 1000, height: 420 };
const LINE_COLOR = "#2f7d32";
const BAR_COLOR = "#b0bec5";

/** The Vega-Lite spec of the chart (exported for tests and for whoever wants to look at it). */
export function sentimentChartSpec(
  points: readonly SentimentChartPoint[],
  labels: SentimentChartLabels,
): TopLevelSpec {
  const first = points[0]?.start.getTime() ?? 0;
  // Buckets are equal: the step between the first two is every bucket's width.
  const step = (points[1]?.start.getTime() ?? first + 60 * 60_000) - first;
  const spanMs = step * points.length;
  // Days for a week, hours and minutes below that; UTC, as the bot's other times are.
  const timeFormat = spanMs > 36 * 60 * 60_000 ? "%b %d" : "%H:%M";
  const values = points.map((point) => {
    const start = point.start.getTime();
    return {
      // A bar fills most of its bucket; the line's point sits at the bucket's middle.
      from: new Date(start + step * 0.08).toISOString(),
      to: new Date(start + step * 0.92).toISOString(),
      mid: new Date(start + step / 2).toISOString(),
      score: point.score,
      messages: point.messages,
    };
  });
  const axis = { title: null, format: timeFormat, labelAngle: 0, tickCount: 8 };
  const x = (field: string) => ({ field, type: "temporal" as const, scale: { type: "utc" as const }, axis });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: PLOT.width,
    height: PLOT.height,
    background: "white",
    padding: 16,
    title: { text: labels.title, fontSize: 22, anchor: "start" },
    config: {
      font: FONT,
      axis: { labelFontSize: 14, titleFontSize: 15, grid: false },
      view: { stroke: null },
    },
    data: { values },
    layer: [
      {
        mark: { type: "bar", color: BAR_COLOR, opacity: 0.6 },
        encoding: {
          x: x("from"),
          x2: { field: "to" },
          y: {
            field: "messages",
            type: "quantitative",
            scale: { domainMin: 0, nice: true },
            axis: { title: labels.messages, orient: "right", tickMinStep: 1, titleColor: "#607d8b" },
          },
          // From the axis's zero up: a bar between x and x2 has no baseline of its own.
          y2: { datum: 0 },
        },
      },
      {
        layer: [
          {
            mark: { type: "rule", color: "#9e9e9e", strokeDash: [4, 4] },
            data: { values: [{ zero: 0 }] },
            encoding: { y: { field: "zero", type: "quantitative", scale: { domain: [-100, 100] } } },
          },
          {
            mark: { type: "line", color: LINE_COLOR, strokeWidth: 3, point: { size: 60, color: LINE_COLOR } },
            transform: [{ filter: "datum.score !== null" }],
            encoding: {
              x: x("mid"),
              y: {
                field: "score",
                type: "quantitative",
                scale: { domain: [-100, 100] },
                axis: { title: labels.sentiment, grid: true, gridColor: "#eeeeee", titleColor: LINE_COLOR },
              },
            },
          },
        ],
      },
    ],
    resolve: { scale: { y: "independent" } },
  };
}

/** Draws the chart: Vega-Lite → Vega → SVG → PNG, SENTIMENT_CHART_WIDTH wide. */
export async function drawSentimentChart(
  points: readonly SentimentChartPoint[],
  labels: SentimentChartLabels,
): Promise<SentimentChart> {
  const spec = (await vegaLiteCompiler())(sentimentChartSpec(points, labels));
  const view = new vega.View(vega.parse(spec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    const { data, info } = await sharp(Buffer.from(svg), { density: 144 })
      .resize({ width: SENTIMENT_CHART_WIDTH })
      .flatten({ background: "#ffffff" })
      .png({ compressionLevel: 9 })
      .toBuffer({ resolveWithObject: true });
    return { bytes: new Uint8Array(data), mimeType: "image/png", width: info.width, height: info.height };
  } finally {
    view.finalize();
  }
}
