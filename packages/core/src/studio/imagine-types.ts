// What /imagine's use case asks of the model side (@memebot/ai implements both): a writer of image
// prompts, and a client of an OpenAI-compatible images endpoint. Declared here so core stays free of
// model and image libraries.
import type { ModelFallbackReason } from "../model-fallback.ts";
import type { CommunityRef, OutgoingPicture } from "../platform.ts";
import type { Persona } from "../persona/persona.ts";

/** Longest positive prompt: Flux reads up to 512 T5 tokens; Stable Diffusion's CLIP only 77, and ignores the rest. */
export const MAX_IMAGE_PROMPT = 600;
export const MAX_NEGATIVE_PROMPT = 300;

export interface ImagePrompt {
  /** What the picture shows, for the image model (English: open models read it best). */
  prompt: string;
  /** What the picture must not show (Stable Diffusion's and Flux servers' negative_prompt). */
  negativePrompt: string;
  engine: "model" | "offline";
  model?: string;
  fallbackReason?: ModelFallbackReason;
}

export interface ImagePromptRequest {
  idea: string;
  language: string;
  persona: Persona;
  community: CommunityRef;
  preferredModel?: string;
  dailyTokenBudget?: number;
  signal?: AbortSignal;
}

export type ImagePromptWriter = (request: ImagePromptRequest) => Promise<ImagePrompt>;

/**
 * Why no picture came back. unavailable: not reachable, overloaded or erroring (worth a retry);
 * timeout: no picture in time; refused: the server said no (content filter, bad key, bad request);
 * bad_response: an answer that was not a usable picture.
 */
export const IMAGE_FAILURE_REASONS = ["unavailable", "timeout", "refused", "bad_response"] as const;
export type ImageFailureReason = (typeof IMAGE_FAILURE_REASONS)[number];

export type ImageGeneration =
  | { ok: true; picture: OutgoingPicture; model: string; latencyMs: number }
  | { ok: false; reason: ImageFailureReason; /** For logs only. */ detail: string };

export interface ImageGenerationRequest {
  prompt: string;
  negativePrompt: string;
  signal?: AbortSignal;
}

export type ImageGenerator = (request: ImageGenerationRequest) => Promise<ImageGeneration>;
