// pnpm bench:render — 1,000 memes (1024 × 1024, two boxes, mixed text lengths, some emoji) through the
// renderer as the worker builds it, then the same memes through a straightforward @napi-rs/canvas
// implementation with the same shipped fonts. Goals: at least 40 memes/s and faster than canvas.
// Exits 1 when a goal is missed.
import { GlobalFonts, createCanvas, loadImage, type SKRSContext2D } from "@napi-rs/canvas";
import sharp from "sharp";
import {
  createMemeRenderer,
  emojiFontFile,
  registerFonts,
  shippedFontFiles,
  type TemplateWithPicture,
} from "@memebot/render";

const COUNT = Number(process.env.BENCH_COUNT ?? 1000);
const CONCURRENCY = 4;
const GOAL_PER_SECOND = 40;

const SHORT = ["one does not simply", "nobody:", "me irl", "it's free real estate", "this is fine"];
const MEDIUM = [
  "when the build passes on the first try",
  "my code in production vs my code in review",
  "the group chat at 3 am after someone says 'quick question'",
  "when the meeting could have been an email",
];
const LONG = [
  "when you finally understand recursion but then you have to explain it to someone who also just finished explaining it to you",
  "me pretending to read the terms and conditions before accepting them for the forty-second time today",
];
const EMOJI = [" 😂", " 🔥", " 🙃🙃", " 👍🏽", " 💀"];

function textFor(i: number, slot: number): string {
  const pool = [SHORT, MEDIUM, MEDIUM, LONG][(i * 7 + slot * 3) % 4]!;
  const base = pool[(i + slot) % pool.length]!;
  // A counter keeps every text unique, so no cache below the renderer answers for a repeat.
  const emoji = i % 5 === slot ? EMOJI[i % EMOJI.length]! : "";
  return `${base} #${i}${emoji}`.slice(0, 120);
}

async function makeTemplate(): Promise<TemplateWithPicture> {
  const picture = await sharp({
    create: {
      width: 1024,
      height: 1024,
      channels: 3,
      background: "#6a8caf",
      noise: { type: "gaussian", mean: 120, sigma: 50 },
    },
  })
    .blur(3)
    .jpeg({ quality: 90 })
    .toBuffer();
  return {
    name: "bench",
    description: "benchmark template",
    tags: [],
    layout: "classic",
    width: 1024,
    height: 1024,
    picture: new Uint8Array(picture),
    boxes: [
      { id: "top", label: "top", x: 30, y: 30, width: 964, height: 225, style: "outlined" },
      { id: "bottom", label: "bottom", x: 30, y: 769, width: 964, height: 225, style: "outlined" },
    ],
  };
}

let peakRss = 0;
const rssTimer = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 20);

interface Run {
  perSecond: number;
  /** CPU time of the whole process (all threads) per meme: what the memes cost, whatever else runs. */
  cpuMs: number;
  p50: number;
  p99: number;
  bytes: number;
}

async function run(count: number, one: (i: number) => Promise<number>): Promise<Run> {
  const durations: number[] = [];
  let next = 0;
  let bytes = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        bytes += await one(i);
        durations.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  durations.sort((a, b) => a - b);
  const at = (q: number) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))]!;
  return {
    perSecond: count / elapsed,
    cpuMs: (used.user + used.system) / 1000 / count,
    p50: at(0.5),
    p99: at(0.99),
    bytes: bytes / count,
  };
}

// The baseline: what one would write with canvas — draw the template, fit each box by trying sizes
// down from the cap with measureText and word wrapping, stroke then fill each line, encode a JPEG.
async function canvasRenderer(template: TemplateWithPicture): Promise<(i: number) => Promise<number>> {
  for (const font of [...shippedFontFiles(), await emojiFontFile()])
    GlobalFonts.registerFromPath(font.path, font.family);
  const image = await loadImage(Buffer.from(template.picture));
  const families = "Anton, Oswald, 'Noto Sans', 'Noto Sans JP', 'Noto Color Emoji'";
  const wrap = (ctx: SKRSContext2D, text: string, width: number): string[] => {
    const lines: string[] = [];
    let line = "";
    for (const word of text.split(/\s+/)) {
      const candidate = line === "" ? word : `${line} ${word}`;
      if (line !== "" && ctx.measureText(candidate).width > width) {
        lines.push(line);
        line = word;
      } else line = candidate;
    }
    if (line !== "") lines.push(line);
    return lines;
  };
  return async (i) => {
    const canvas = createCanvas(template.width, template.height);
    const ctx = canvas.getContext("2d");
    ctx.drawImage(image, 0, 0);
    for (const [slot, box] of template.boxes.entries()) {
      const text = textFor(i, slot).toUpperCase();
      const pad = 12;
      let size = Math.floor(1024 / 6);
      let lines: string[] = [];
      for (; size > 10; size = Math.floor(size * 0.94)) {
        ctx.font = `${size}px ${families}`;
        lines = wrap(ctx, text, box.width - pad * 2);
        const widest = Math.max(...lines.map((l) => ctx.measureText(l).width));
        if (lines.length * size * 1.05 <= box.height - pad * 2 && widest <= box.width - pad * 2) break;
      }
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      ctx.lineJoin = "round";
      ctx.lineWidth = Math.max(2, size / 7);
      ctx.strokeStyle = "black";
      ctx.fillStyle = "white";
      const top = box.id === "top" ? box.y + pad : box.y + box.height - pad - lines.length * size * 1.05;
      lines.forEach((line, n) => {
        const y = top + n * size * 1.05;
        ctx.strokeText(line, box.x + box.width / 2, y);
        ctx.fillText(line, box.x + box.width / 2, y);
      });
    }
    const jpeg = await canvas.encode("jpeg", 84);
    return jpeg.byteLength;
  };
}

async function main(): Promise<void> {
  const template = await makeTemplate();
  await registerFonts();
  const renderer = createMemeRenderer();
  const renderOne = async (i: number): Promise<number> => {
    const result = await renderer.render({
      template,
      texts: { top: textFor(i, 0), bottom: textFor(i, 1) },
    });
    if (!result.ok) throw new Error(`render ${i} failed: ${JSON.stringify(result.problem)}`);
    return result.value.bytes.byteLength;
  };
  // Warm-up: fonts, the template cache and the size ladder's glyphs, as a running worker has them.
  await run(60, (i) => renderOne(COUNT + i));
  const ours = await run(COUNT, renderOne);
  const oursPeak = peakRss;

  const canvasOne = await canvasRenderer(template);
  await run(30, (i) => canvasOne(COUNT + i));
  const baseline = await run(COUNT, canvasOne);
  clearInterval(rssTimer);

  const fmt = (r: Run) =>
    `${r.perSecond.toFixed(1)} memes/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, CPU ${r.cpuMs.toFixed(1)} ms/meme, ${Math.round(r.bytes / 1024)} KB average`;
  console.log(`sharp renderer (${COUNT} memes, ${CONCURRENCY} at a time): ${fmt(ours)}`);
  console.log(`canvas baseline (${COUNT} memes, ${CONCURRENCY} at a time): ${fmt(baseline)}`);
  console.log(`ratio sharp/canvas: ${(ours.perSecond / baseline.perSecond).toFixed(2)}×`);
  console.log(
    `peak RSS: ${Math.round(oursPeak / 1024 / 1024)} MB during the renderer's run, ${Math.round(peakRss / 1024 / 1024)} MB overall`,
  );

  const missed: string[] = [];
  if (ours.perSecond < GOAL_PER_SECOND) missed.push(`below ${GOAL_PER_SECOND} memes/s`);
  if (ours.perSecond <= baseline.perSecond) missed.push("not faster than the canvas baseline");
  if (missed.length > 0) {
    console.log(`GOAL MISSED: ${missed.join("; ")}`);
    process.exit(1);
  }
  console.log("goals met");
}

await main();
