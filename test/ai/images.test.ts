// The images client against the fake OpenAI-compatible images endpoint: the real `openai` client
// over HTTP, a real PNG decoded and re-encoded with sharp, and every failure as a value.
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createImagesClient, fitPicture, PICTURE_LIMITS } from "@memebot/ai";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai/server.ts";
import { closedPortURL } from "./gateway/support.ts";

let fake: FakeOpenAI;
const request = { prompt: "a shiba astronaut, cartoon", negativePrompt: "nsfw, blurry" };

beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: "sk-images-SECRET" });
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.setImagesBehaviour({ kind: "image" });
});
afterAll(async () => {
  await fake.close();
});

const client = (overrides: Partial<Parameters<typeof createImagesClient>[0]> = {}) =>
  createImagesClient({
    baseURL: fake.baseURL,
    apiKey: "sk-images-SECRET",
    model: "flux-schnell",
    timeoutMs: 2_000,
    ...overrides,
  });

describe("createImagesClient", () => {
  it("asks for one 1024x1024 b64_json picture with the negative prompt, and returns it as a JPEG", async () => {
    const result = await client().generate(request);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.model).toBe("flux-schnell");
    expect(result.picture.mimeType).toBe("image/jpeg");
    expect(result.picture.fileName).toBe("imagine.jpg");
    const metadata = await sharp(result.picture.bytes).metadata();
    expect(metadata.format).toBe("jpeg");
    expect(metadata.width).toBe(64);

    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.path).toBe("/v1/images/generations");
    expect(fake.requests[0]?.body).toMatchObject({
      model: "flux-schnell",
      prompt: request.prompt,
      negative_prompt: request.negativePrompt,
      n: 1,
      size: "1024x1024",
      response_format: "b64_json",
    });
  });

  it("sends the negative prompt after a pipe for LocalAI, or not at all, and keeps pipes out of the prompt", async () => {
    await client({ negativePrompt: "pipe" }).generate({ prompt: "a | b", negativePrompt: "nsfw | gore" });
    expect(fake.requests[0]?.body).toMatchObject({ prompt: "a , b|nsfw , gore" });
    expect(fake.requests[0]?.body).not.toHaveProperty("negative_prompt");
    await client({ negativePrompt: "off" }).generate(request);
    expect(fake.requests[1]?.body).toMatchObject({ prompt: request.prompt });
    expect(fake.requests[1]?.body).not.toHaveProperty("negative_prompt");
  });

  it("reports a server slower than its time limit as a timeout, without retrying", async () => {
    fake.setImagesBehaviour({ kind: "image", delayMs: 1_500 });
    const started = Date.now();
    const result = await client({ timeoutMs: 300 }).generate(request);
    expect(result).toMatchObject({ ok: false, reason: "timeout" });
    expect(Date.now() - started).toBeLessThan(1_400);
    expect(fake.requests).toHaveLength(1);
  });

  it("reports a 500 as unavailable, once (the job retries, not the client)", async () => {
    fake.setImagesBehaviour({ kind: "status", status: 500 });
    await expect(client().generate(request)).resolves.toMatchObject({
      ok: false,
      reason: "unavailable",
      detail: "HTTP 500",
    });
    expect(fake.requests).toHaveLength(1);
  });

  it("reports a content filter's 400 and a wrong key's 401 as refused", async () => {
    fake.setImagesBehaviour({ kind: "status", status: 400 });
    await expect(client().generate(request)).resolves.toMatchObject({ ok: false, reason: "refused" });
    fake.setImagesBehaviour({ kind: "image" });
    await expect(client({ apiKey: "sk-wrong" }).generate(request)).resolves.toMatchObject({
      ok: false,
      reason: "refused",
      detail: "HTTP 401",
    });
  });

  it("reports an HTML page, JSON without a picture and base64 that is not a picture as bad responses", async () => {
    fake.setImagesBehaviour({ kind: "garbage" });
    await expect(client().generate(request)).resolves.toMatchObject({ ok: false, reason: "bad_response" });
    fake.setImagesBehaviour({ kind: "status", status: 200, body: { data: [{ url: "http://x/y.png" }] } });
    await expect(client().generate(request)).resolves.toMatchObject({ ok: false, reason: "bad_response" });
    fake.setImagesBehaviour({ kind: "image", b64: Buffer.from("not a picture at all").toString("base64") });
    await expect(client().generate(request)).resolves.toMatchObject({ ok: false, reason: "bad_response" });
  });

  it("refuses an answer larger than its byte limit", async () => {
    fake.setImagesBehaviour({ kind: "image", b64: Buffer.alloc(200_000, 1).toString("base64") });
    await expect(client({ maxBytes: 50_000 }).generate(request)).resolves.toMatchObject({
      ok: false,
      reason: "bad_response",
      detail: "answer too large",
    });
  });

  it("reports a server that is not there as unavailable", async () => {
    const result = await client({ baseURL: await closedPortURL() }).generate(request);
    expect(result).toMatchObject({ ok: false, reason: "unavailable" });
  });

  it("rejects with the caller's reason when the caller aborts", async () => {
    fake.setImagesBehaviour({ kind: "hang" });
    const controller = new AbortController();
    const reason = new Error("job time limit");
    setTimeout(() => controller.abort(reason), 100);
    await expect(client().generate({ ...request, signal: controller.signal })).rejects.toBe(reason);
  });
});

describe("fitPicture", () => {
  it("brings a large noisy picture within the platforms' limits", async () => {
    const width = 2400;
    const height = 1600;
    const noise = Buffer.alloc(width * height * 3);
    for (let i = 0; i < noise.length; i += 1) noise[i] = (i * 2654435761) >>> 24;
    const png = await sharp(noise, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer();
    const fitted = await fitPicture(png);
    expect(fitted.bytes.length).toBeLessThanOrEqual(PICTURE_LIMITS.maxBytes);
    expect(Math.max(fitted.width, fitted.height)).toBeLessThanOrEqual(PICTURE_LIMITS.maxSide);
    expect(fitted.width / fitted.height).toBeCloseTo(1.5, 1);
  });
});
