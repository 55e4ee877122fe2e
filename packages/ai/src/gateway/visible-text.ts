// The part of a (possibly still streaming) text answer a user may see: reasoning models think
// aloud in <think> blocks, which are never shown. Works on a prefix of the answer, so a block
// that has opened but not yet closed, or (until `final`) a tag still arriving ("<thi"), is held back.

const CLOSED_REASONING = /<(think|thinking|reasoning)>[\s\S]*?<\/\1\s*>/gi;
const CLOSING_TAG = /<\/(?:think|thinking|reasoning)\s*>/gi;
const OPENING_TAG = /<(?:think|thinking|reasoning)>/i;
const TAGS = ["<think>", "<thinking>", "<reasoning>", "</think>", "</thinking>", "</reasoning>"];

export function visibleText(soFar: string, final = false): string {
  let text = soFar.replace(CLOSED_REASONING, "");
  // A closing tag without its opening tag: the chat template opened the block for the model,
  // and the answer follows the last closing tag. (Until that tag arrives the thinking shows;
  // nothing in the stream says it is thinking. The final answer is right either way.)
  let lastClosingEnd = -1;
  for (const match of text.matchAll(CLOSING_TAG)) lastClosingEnd = match.index + match[0].length;
  if (lastClosingEnd >= 0) text = text.slice(lastClosingEnd);
  const opening = OPENING_TAG.exec(text);
  if (opening) text = text.slice(0, opening.index);
  const tail = final ? null : /<\/?[a-z]*$/i.exec(text);
  if (tail && TAGS.some((tag) => tag.startsWith(tail[0].toLowerCase()))) text = text.slice(0, tail.index);
  return text.trimStart();
}
