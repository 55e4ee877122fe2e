import { describe, expect, it } from "vitest";
import { extractJson, ModelResponseError } from "@memebot/ai";

const meme = { top: "ONE DOES NOT SIMPLY", bottom: "SELL BONK" };

function failureOf(text: string): ModelResponseError {
  try {
    extractJson(text);
  } catch (error) {
    if (error instanceof ModelResponseError) return error;
    throw error;
  }
  throw new Error("extractJson did not throw");
}

describe("extractJson", () => {
  it("parses plain JSON", () => {
    expect(extractJson(JSON.stringify(meme))).toEqual(meme);
  });

  it("parses JSON with surrounding whitespace and a byte order mark", () => {
    expect(extractJson(`\uFEFF\n  ${JSON.stringify(meme)}\n\n`)).toEqual(meme);
  });

  it("unwraps a ```json fenced block with prose around it", () => {
    const text = `Here is your meme:\n\n\`\`\`json\n${JSON.stringify(meme, null, 2)}\n\`\`\`\n\nEnjoy!`;
    expect(extractJson(text)).toEqual(meme);
  });

  it("unwraps a fence without a language tag", () => {
    expect(extractJson(`\`\`\`\n${JSON.stringify(meme)}\n\`\`\``)).toEqual(meme);
  });

  it("skips a reasoning model's think block before the answer", () => {
    const text = `<think>\nThe user wants a meme. Maybe {"top": "draft"}? No, better:\n</think>\n\n${JSON.stringify(meme)}`;
    expect(extractJson(text)).toEqual(meme);
  });

  it("takes the answer after a closing think tag whose opening tag was in the chat template", () => {
    const text = `Okay, so I need something like {"top": "draft", "bottom": "draft"}.\n</think>\n${JSON.stringify(meme)}`;
    expect(extractJson(text)).toEqual(meme);
  });

  it("takes the last object after an unclosed think tag, where drafts come before the answer", () => {
    const text = `<think>\nFirst idea: {"top": "draft", "bottom": "draft"}\nFinal answer:\n${JSON.stringify(meme)}`;
    expect(extractJson(text)).toEqual(meme);
  });

  it("finds the object inside prose before and after it", () => {
    const text = `Sure! Here's a funny one: ${JSON.stringify(meme)} Let me know if you want another.`;
    expect(extractJson(text)).toEqual(meme);
  });

  it("picks the first balanced top-level object when there are several", () => {
    const text = `${JSON.stringify(meme)}\n${JSON.stringify({ top: "SECOND", bottom: "ONE" })}`;
    expect(extractJson(text)).toEqual(meme);
  });

  it("ignores braces inside strings when matching", () => {
    const tricky = { top: "WHEN {TOPIC} PUMPS }}", bottom: 'SAY "{" AGAIN \\ I DARE YOU' };
    expect(extractJson(`answer: ${JSON.stringify(tricky)} done`)).toEqual(tricky);
  });

  it("skips brace-like prose that is not JSON", () => {
    const text = `Template {topic} goes here: ${JSON.stringify(meme)}`;
    expect(extractJson(text)).toEqual(meme);
  });

  it("returns nested objects whole", () => {
    const nested = { meme, meta: { lang: "en" } };
    expect(extractJson(`Result: ${JSON.stringify(nested)}`)).toEqual(nested);
  });

  it("forgives a trailing comma", () => {
    expect(extractJson('{"top": "A", "bottom": "B",}')).toEqual({ top: "A", bottom: "B" });
  });

  it("throws a ModelResponseError with reason no_json when there is no object", () => {
    const error = failureOf("I'm sorry, I can't make memes about that.");
    expect(error.reason).toBe("no_json");
    expect(error.excerpt).toContain("I'm sorry");
  });

  it("throws for an empty answer", () => {
    expect(failureOf("").reason).toBe("no_json");
  });

  it("throws for a truncated object", () => {
    expect(failureOf('{"top": "ONE DOES NOT SIMPLY", "bottom": "SE').reason).toBe("no_json");
  });

  it("throws when only a think block is there", () => {
    expect(failureOf("<think>hmm, what is funny about this?</think>").reason).toBe("no_json");
  });

  it("keeps the excerpt short for a long answer", () => {
    const error = failureOf("blah ".repeat(1000));
    expect(error.excerpt?.length).toBeLessThanOrEqual(201);
  });
});
