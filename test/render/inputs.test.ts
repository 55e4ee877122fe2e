import { crc32 } from "node:zlib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { createMemeRenderer } from "@memebot/render";
import { classicTemplate, greyPicture, rawOf } from "./fixtures.ts";

const renderer = createMemeRenderer({
  // A failure no check foresaw fails the test instead of passing as picture.corrupt.
  onUnexpectedError: (error) => {
    throw error;
  },
});

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A 60-byte PNG whose header claims 100,000 × 100,000 pixels. */
function pngBomb(): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100_000, 0);
  ihdr.writeUInt32BE(100_000, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(
    Buffer.concat([
      signature,
      chunk("IHDR", ihdr),
      chunk("IDAT", Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
      chunk("IEND", Buffer.alloc(0)),
    ]),
  );
}

async function frames(format: "gif" | "webp"): Promise<Uint8Array> {
  const red = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#ff0000" } })
    .png()
    .toBuffer();
  const blue = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#0000ff" } })
    .png()
    .toBuffer();
  const animated = sharp([red, blue], { join: { animated: true } });
  return new Uint8Array(
    format === "gif" ? await animated.gif().toBuffer() : await animated.webp().toBuffer(),
  );
}

describe("bad input is a value, never a throw", () => {
  it("GIVEN a decompression bomb (tiny PNG claiming 10 gigapixels) THEN picture.too_large everywhere", async () => {
    const bomb = pngBomb();
    expect(bomb.byteLength).toBeLessThan(100);
    expect(await renderer.inspect(bomb)).toEqual({
      ok: false,
      problem: { id: "picture.too_large", limit: "40 megapixels" },
    });
    const caption = await renderer.caption({ picture: bomb, top: "a", bottom: "b", layout: "classic" });
    expect(caption.ok || caption.problem.id).toBe("picture.too_large");
    const template = { ...(await classicTemplate(256)), picture: bomb };
    const render = await renderer.render({ template, texts: { top: "a" } });
    expect(render.ok || render.problem.id).toBe("picture.too_large");
  });

  it("GIVEN a real picture over the pixel limit THEN picture.too_large before decoding", async () => {
    const small = createMemeRenderer({ limits: { maxPixels: 1_000_000 } });
    const big = await greyPicture(1200, 1000);
    expect((await small.inspect(big)).ok).toBe(false);
    expect(await small.inspect(big)).toEqual({
      ok: false,
      problem: { id: "picture.too_large", limit: "1 megapixels" },
    });
  });

  it("GIVEN a file over the byte limit THEN picture.too_large", async () => {
    const tiny = createMemeRenderer({ limits: { maxBytes: 1000 } });
    const picture = await sharp({
      create: {
        width: 300,
        height: 300,
        channels: 3,
        background: "#000",
        noise: { type: "gaussian", mean: 128, sigma: 60 },
      },
    })
      .png()
      .toBuffer();
    expect(await tiny.inspect(new Uint8Array(picture))).toEqual({
      ok: false,
      problem: { id: "picture.too_large", limit: "1 KB" },
    });
  });

  it("GIVEN bytes that are no picture THEN picture.not_image", async () => {
    for (const bytes of [
      Buffer.from("just some text, not a picture"),
      Buffer.alloc(0),
      Buffer.from("<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>"),
    ]) {
      expect(await renderer.inspect(new Uint8Array(bytes))).toEqual({
        ok: false,
        problem: { id: "picture.not_image" },
      });
    }
  });

  it("GIVEN a truncated JPEG THEN picture.corrupt", async () => {
    const jpeg = await greyPicture(400, 400, "jpeg");
    const truncated = jpeg.slice(0, Math.floor(jpeg.byteLength / 2));
    expect(await renderer.inspect(truncated)).toEqual({ ok: false, problem: { id: "picture.corrupt" } });
    const caption = await renderer.caption({
      picture: truncated,
      top: "a",
      bottom: "",
      layout: "caption-bar",
    });
    expect(caption).toEqual({ ok: false, problem: { id: "picture.corrupt" } });
  });

  it.each(["gif", "webp"] as const)(
    "GIVEN an animated %s THEN inspect keeps the first frame only",
    async (format) => {
      const result = await renderer.inspect(await frames(format));
      if (!result.ok) throw new Error(result.problem.id);
      expect([result.value.width, result.value.height]).toEqual([64, 48]);
      const raw = await rawOf(result.value.picture);
      expect(raw.height).toBe(48);
      expect(raw.data[0]).toBeGreaterThan(200);
      expect(raw.data[2]).toBeLessThan(60);
    },
  );

  it("GIVEN a large picture THEN inspect stores it with its longest side capped at 1280", async () => {
    const result = await renderer.inspect(await greyPicture(3000, 1500, "jpeg"));
    if (!result.ok) throw new Error(result.problem.id);
    expect([result.value.width, result.value.height]).toEqual([1280, 640]);
    expect((await sharp(result.value.picture).metadata()).format).toBe("jpeg");
  });
});
