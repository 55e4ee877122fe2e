// What the bot says when no model answers: a short canned line in the persona's name that says
// it is the offline engine and why, so nobody mistakes it for the model's thoughts.
import { translator, type Language, type MessageId } from "../messages/index.ts";
import type { ModelFallbackReason } from "../model-fallback.ts";

export type OfflineReason = ModelFallbackReason;

const VARIANTS = [
  "conversation.offline.1",
  "conversation.offline.2",
  "conversation.offline.3",
] as const satisfies readonly MessageId[];

/** A variant picked from the message key, so the same message always gets the same line. */
function variantOf(key: string): (typeof VARIANTS)[number] {
  let hash = 0;
  for (let index = 0; index < key.length; index += 1) hash = (hash * 31 + key.charCodeAt(index)) >>> 0;
  return VARIANTS[hash % VARIANTS.length] as (typeof VARIANTS)[number];
}

export function offlineConversationAnswer(input: {
  key: string;
  language: Language;
  reason: OfflineReason;
  personaName: string;
}): string {
  const t = translator(input.language);
  return t(variantOf(input.key), {
    name: input.personaName,
    reason: t(`conversation.offlineReason.${input.reason}`),
  });
}
