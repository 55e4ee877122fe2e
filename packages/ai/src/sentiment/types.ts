// What a sentiment score is, whoever made it.
import type { ModelFallbackReason } from "@memebot/core";

export const SENTIMENT_LABELS = ["bullish", "bearish", "neutral"] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export interface SentimentScore {
  label: SentimentLabel;
  /** -1 (most bearish) .. 1 (most bullish). */
  score: number;
  /** 0..1: how sure the scorer is of the label. */
  confidence: number;
}

/** The offline scorer, or the model gateway's model by its configured name. */
export type SentimentScorerName = "offline" | `model:${string}`;

/** A scored message, as stored: which scorer made the score, and why offline when a model was wanted. */
export interface ScoredMessage extends SentimentScore {
  id: string;
  scorer: SentimentScorerName;
  /** Set when a model was wanted but the offline scorer answered: why ("invalid_response" for an item the model got wrong twice). */
  fallbackReason?: ModelFallbackReason;
}
