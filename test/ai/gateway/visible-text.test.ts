import { describe, expect, it } from "vitest";
import { visibleText } from "../../../packages/ai/src/gateway/visible-text.ts";

describe("visibleText", () => {
  it.for([
    ["plain text", "gm frens", "gm frens"],
    ["a closed think block", "<think>they want a joke</think>\nwagmi", "wagmi"],
    ["a block still open", "Sure. <think>hmm, what rhymes", "Sure. "],
    ["a tag still arriving", "ok <thi", "ok "],
    ["a closing tag still arriving", "<think>x</thi", ""],
    ["a block the chat template opened", "reasoning here</think>the answer", "the answer"],
    ["a <thinking> block", "<thinking>a</thinking>b", "b"],
    ["a lone < that is not a tag", "1 < 2", "1 < 2"],
  ] as const)("GIVEN %s THEN shows only the answer", ([, soFar, shown]) => {
    expect(visibleText(soFar)).toBe(shown);
  });

  it("GIVEN the final text THEN a trailing < that might have begun a tag is kept", () => {
    expect(visibleText("x <", false)).toBe("x ");
    expect(visibleText("x <", true)).toBe("x <");
  });
});
