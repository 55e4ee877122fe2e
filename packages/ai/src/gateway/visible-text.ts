// The part of a (possibly still streaming) text answer a user may see: reasoning models think
// aloud in <think> blocks, which are never shown. Works on a prefix of the answer, so a block
// that has opened but not yet closed, or (until `final`) a tag still arriving ("<thi"), is held back.

import { splitReasoning } from "../reasoning.ts";

const TAGS = ["<think>", "<thinking>", "<reasoning>", "</think>", "</thinking>", "</reasoning>"];

export function visibleText(soFar: string, final = false): string {
  // After a closing tag without its opening tag (the chat template opened the block), the answer
  // follows it. Until that tag arrives the thinking shows: nothing in the stream says it is
  // thinking. The final answer is right either way.
  const { rest, open } = splitReasoning(soFar);
  let text = open ? rest.slice(0, open.index) : rest;
  const tail = final ? null : /<\/?[a-z]*$/i.exec(text);
  if (tail && TAGS.some((tag) => tag.startsWith(tail[0].toLowerCase()))) text = text.slice(0, tail.index);
  return text.trimStart();
}
