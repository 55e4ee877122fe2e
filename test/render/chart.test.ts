// /sentiment's chart: the Vega-Lite spec rendered headless to SVG and by sharp to PNG, decoded back
// to check its size and that it holds a drawing (not a blank page).
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import {
  drawSentimentChart,
  SENTIMENT_CHART_WIDTH,
  sentimentChartSpec,
} from "../../packages/render/src/sentiment-chart.ts";

const labels = { title: "$BONK sentiment, last 24h", sentiment: "Sentiment", messages: "Messages" };
const start = Date.parse("2026-12-01T06:00:00Z");
const points = Array.from({ length: 24 }, (_, index) => ({
  start: new Date(start + index * 3_600_000),
  score: index === 5 ? null : Math.round(60 * Math.sin(index / 4)),
  messages: index === 5 ? 0 : 3 + ((index * 7) % 20),
}));

describe("sentiment chart", () => {
  it("draws a PNG of the set width with a line and bars on it", async () => {
    const chart = await drawSentimentChart(points, labels);
    expect(chart.mimeType).toBe("image/png");
    const { data, info } = await sharp(chart.bytes).raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBe(SENTIMENT_CHART_WIDTH);
    expect(chart.width).toBe(SENTIMENT_CHART_WIDTH);
    expect(info.height).toBeGreaterThan(300);
    expect(info.height).toBeLessThan(SENTIMENT_CHART_WIDTH);
    // Not blank: many pixels away from white, and some of them the line's green.
    let inked = 0;
    let green = 0;
    for (let offset = 0; offset < data.length; offset += info.channels) {
      const [red = 0, greenValue = 0, blue = 0] = [data[offset], data[offset + 1], data[offset + 2]];
      if (red + greenValue + blue < 700) inked += 1;
      if (greenValue > red + 40 && greenValue > blue + 40) green += 1;
    }
    expect(inked).toBeGreaterThan(info.width * info.height * 0.05);
    expect(green).toBeGreaterThan(500);
  });

  it("is a layered Vega-Lite spec: bars of volume and a line of sentiment from -100 to 100", () => {
    const spec = JSON.stringify(sentimentChartSpec(points, labels));
    expect(spec).toContain('"type":"bar"');
    expect(spec).toContain('"type":"line"');
    expect(spec).toContain('"domain":[-100,100]');
    expect(spec).toContain("DejaVu Sans");
  });

  it("leaves the process as it found it: vega-lite's Set.prototype.toJSON is gone after drawing", async () => {
    await drawSentimentChart(points, labels);
    // Left in place, it broke discord.js's inspector at load (the worker and the bot share a process).
    expect(Object.getOwnPropertyNames(Set.prototype)).not.toContain("toJSON");
  });

  it("draws an empty window too (no line, no bars)", async () => {
    const empty = points.map((point) => ({ ...point, score: null, messages: 0 }));
    const chart = await drawSentimentChart(empty, labels);
    expect((await sharp(chart.bytes).metadata()).width).toBe(SENTIMENT_CHART_WIDTH);
  });
});
