// A client of an OpenAI-compatible images endpoint (POST /v1/images/generations): LocalAI, or a
// self-hosted Stable Diffusion or Flux server behind such an API. One picture per call, as base64,
// within a time limit and a size limit; every expected failure comes back as a value with a stable
// reason, never as a thrown error. The picture is re-encoded within what the chat platforms take
// (JPEG, at most 1280 px a side and 400 KB), so a server's 4 MB PNG never reaches a send.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import sharp from "sharp";
import type { ImageGeneration, ImageGenerationRequest, ImageGenerator } from "@memebot/core";

export interface ImagesClientOptions {
  /** e.g. http://localai:8080/v1 */
  baseURL: string;
  /** Most self-hosted servers ignore it; the openai client refuses to start without one. */
  apiKey?: string;
  /** Sent as `model`: the server's name for the image model (LocalAI's model name, "flux.1-dev"…). */
  model: string;
  timeoutMs: number;
  /** The largest picture accepted from the server, decoded; bigger answers are a bad response. */
  maxBytes?: number;
  /** Sent as `size`. */
  size?: `${number}x${number}`;
  /**
   * How the negative prompt travels: "field" (default) as `negative_prompt` in the body; "pipe"
   * appended to the prompt after "|", which is how LocalAI's images endpoint reads it; "off" not sent.
   */
  negativePrompt?: NegativePromptMode;
}

export const NEGATIVE_PROMPT_MODES = ["field", "pipe", "off"] as const;
export type NegativePromptMode = (typeof NEGATIVE_PROMPT_MODES)[number];

export interface ImagesClient {
  generate: ImageGenerator;
}

/** What the chat platforms take comfortably (Telegram's photo limits, Discord's previews, phones' data). */
export const PICTURE_LIMITS = { maxSide: 1280, maxBytes: 400_000 } as const;
const DEFAULT_MAX_BYTES = 16_000_000;
// base64 is 4/3 of the bytes; the JSON around it (revised_prompt, usage) is small.
const bodyLimitOf = (maxBytes: number) => Math.ceil((maxBytes * 4) / 3) + 64_000;

class ResponseTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the images endpoint's answer is larger than ${limit} bytes`);
    this.name = "ResponseTooLargeError";
  }
}

/** fetch that stops reading an answer past `limit` bytes, so a runaway server cannot fill memory. */
function limitedFetch(limit: number): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (Number(response.headers.get("content-length") ?? 0) > limit) {
      await response.body?.cancel().catch(() => undefined);
      throw new ResponseTooLargeError(limit);
    }
    if (!response.body) return response;
    let seen = 0;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          if (seen > limit) controller.error(new ResponseTooLargeError(limit));
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

const causes = (error: unknown): unknown[] => {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && chain.length < 5;) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
};

function failureOf(error: unknown): Extract<ImageGeneration, { ok: false }> {
  if (causes(error).some((cause) => cause instanceof ResponseTooLargeError)) {
    return { ok: false, reason: "bad_response", detail: "answer too large" };
  }
  if (error instanceof APIConnectionTimeoutError)
    return { ok: false, reason: "timeout", detail: "no answer in time" };
  if (error instanceof APIConnectionError)
    return { ok: false, reason: "unavailable", detail: "connection failed" };
  if (error instanceof APIError && error.status !== undefined) {
    const detail = `HTTP ${error.status}`;
    // 400/422: the server rejected the prompt (a content filter, an unsupported size); 401/403: our key.
    if ([400, 401, 403, 422].includes(error.status)) return { ok: false, reason: "refused", detail };
    return { ok: false, reason: "unavailable", detail };
  }
  // The openai client's own parse failures (a 200 that is not JSON) and anything else it throws.
  return { ok: false, reason: "bad_response", detail: error instanceof Error ? error.name : "unknown error" };
}

export function createImagesClient(options: ImagesClientOptions): ImagesClient {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const client = new OpenAI({
    baseURL: options.baseURL,
    apiKey: options.apiKey ?? "not-needed",
    // The job retries (with backoff, and only when the endpoint was unreachable); retrying here
    // too would multiply a minute-long generation.
    maxRetries: 0,
    timeout: options.timeoutMs,
    fetch: limitedFetch(bodyLimitOf(maxBytes)),
  });

  async function generate({
    prompt,
    negativePrompt,
    signal,
  }: ImageGenerationRequest): Promise<ImageGeneration> {
    const started = Date.now();
    const mode = options.negativePrompt ?? "field";
    // A "|" in the prompt would start LocalAI's negative prompt early; as a comma it means the same to the model.
    const positive = prompt.replaceAll("|", ",");
    const negative = negativePrompt.replaceAll("|", ",").trim();
    let response: unknown;
    try {
      response = await client.images.generate(
        {
          model: options.model,
          prompt: mode === "pipe" && negative !== "" ? `${positive}|${negative}` : positive,
          n: 1,
          size: options.size ?? "1024x1024",
          response_format: "b64_json",
          // Not part of OpenAI's API, but many Stable Diffusion and Flux servers behind an
          // OpenAI-compatible API read `negative_prompt` from the body, and servers that do not know
          // it ignore it. LocalAI reads the negative prompt only after a "|" in the prompt ("pipe").
          ...(mode === "field" && negative !== "" ? { negative_prompt: negative } : {}),
        } as OpenAI.Images.ImageGenerateParamsNonStreaming,
        { ...(signal ? { signal } : {}) },
      );
    } catch (error) {
      // The caller gave up (a shutdown, the job's time limit): not the server's failure.
      if (signal?.aborted) throw signal.reason;
      return failureOf(error);
    }
    const b64 = firstB64(response);
    if (b64 === undefined) return { ok: false, reason: "bad_response", detail: "no b64_json in the answer" };
    if (b64.length > bodyLimitOf(maxBytes))
      return { ok: false, reason: "bad_response", detail: "picture too large" };
    const bytes = Buffer.from(b64, "base64");
    if (bytes.length === 0 || bytes.length > maxBytes) {
      return { ok: false, reason: "bad_response", detail: "empty or oversized picture" };
    }
    const fitted = await fitPicture(bytes).catch(() => undefined);
    if (!fitted) return { ok: false, reason: "bad_response", detail: "not a picture" };
    return {
      ok: true,
      picture: { bytes: fitted.bytes, mimeType: "image/jpeg", fileName: "imagine.jpg" },
      model: options.model,
      latencyMs: Date.now() - started,
    };
  }

  return { generate };
}

function firstB64(response: unknown): string | undefined {
  if (typeof response !== "object" || response === null) return undefined;
  const data = (response as { data?: unknown }).data;
  if (!Array.isArray(data)) return undefined;
  const first: unknown = data[0];
  if (typeof first !== "object" || first === null) return undefined;
  const b64 = (first as { b64_json?: unknown }).b64_json;
  return typeof b64 === "string" && b64.length > 0 ? b64 : undefined;
}

/** The sizes and qualities tried in turn until the JPEG fits in the byte limit. */
const STEPS = [
  { side: 1280, quality: 85 },
  { side: 1280, quality: 72 },
  { side: 1024, quality: 68 },
  { side: 768, quality: 62 },
  { side: 512, quality: 55 },
] as const;

/**
 * The picture as a JPEG within `limits`, or a rejection when the bytes are not a picture (or one
 * too large to decode safely: more than 40 megapixels).
 */
export async function fitPicture(
  bytes: Uint8Array,
  limits: { maxSide: number; maxBytes: number } = PICTURE_LIMITS,
): Promise<{ bytes: Uint8Array; width: number; height: number }> {
  let last: { data: Buffer; info: { width: number; height: number } } | undefined;
  for (const step of STEPS) {
    const side = Math.min(step.side, limits.maxSide);
    last = await sharp(bytes, { limitInputPixels: 40_000_000, failOn: "error" })
      .rotate()
      .resize(side, side, { fit: "inside", withoutEnlargement: true })
      // JPEG has no transparency: a transparent background becomes white, not black.
      .flatten({ background: "#ffffff" })
      .jpeg({ quality: step.quality, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    if (last.data.length <= limits.maxBytes) break;
  }
  if (!last || last.data.length > limits.maxBytes) throw new Error("the picture does not fit the byte limit");
  return { bytes: new Uint8Array(last.data), width: last.info.width, height: last.info.height };
}
