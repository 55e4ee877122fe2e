import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

// A valid 1x1 PNG: enough for a platform to read its size.
const ONE_PIXEL_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

/** Writes a small picture to a fresh temporary folder and returns its path. */
export async function writePicture(name = "meme.png"): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "memebot-delivery-"));
  const path = join(folder, name);
  await writeFile(path, ONE_PIXEL_PNG);
  return path;
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}
