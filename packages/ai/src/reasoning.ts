// Reasoning models think aloud in <think>, <thinking> or <reasoning> blocks before answering. One
// reading of where the thinking ends, shared by the JSON extractor (json.ts) and what a streamed
// answer shows (gateway/visible-text.ts).

const CLOSED_REASONING = /<(think|thinking|reasoning)>[\s\S]*?<\/\1\s*>/gi;
const CLOSING_TAG = /<\/(?:think|thinking|reasoning)\s*>/gi;
const OPENING_TAG = /<(?:think|thinking|reasoning)>/i;

export interface ReasoningSplit {
  /** The text with closed blocks removed, from after the last stray closing tag. */
  rest: string;
  /** Where a block that has not closed (yet) opens in `rest`, and its tag's length; undefined when none. */
  open: { index: number; length: number } | undefined;
}

/**
 * Closed blocks are removed. A closing tag without its opening tag means the chat template opened
 * the block for the model: the answer follows the last closing tag. A block left open is reported,
 * for the caller to decide (hold it back while streaming; look past it for JSON).
 */
export function splitReasoning(text: string): ReasoningSplit {
  let rest = text.replace(CLOSED_REASONING, "");
  let lastClosingEnd = -1;
  for (const match of rest.matchAll(CLOSING_TAG)) lastClosingEnd = match.index + match[0].length;
  if (lastClosingEnd >= 0) rest = rest.slice(lastClosingEnd);
  const opening = OPENING_TAG.exec(rest);
  return { rest, open: opening ? { index: opening.index, length: opening[0].length } : undefined };
}
