import { describe, expect, it } from "vitest";
import { readArgs, usageOf, type ArgSpec } from "@memebot/core";

const specs: ArgSpec[] = [
  { name: "key", description: "arg.config.key", required: true, maxLength: 10 },
  { name: "value", description: "arg.config.value", required: false, rest: true, maxLength: 20 },
];

describe("readArgs", () => {
  it("GIVEN text THEN the last rest argument takes the remainder, spaces included", () => {
    expect(readArgs({ args: { kind: "text", text: "language  en gb" } }, specs)).toEqual({
      ok: true,
      value: { key: "language", value: "en gb" },
    });
  });
  it("GIVEN named options THEN reads them by name and trims", () => {
    expect(
      readArgs({ args: { kind: "options", values: { key: " rate_limit ", value: "5" } } }, specs),
    ).toEqual({
      ok: true,
      value: { key: "rate_limit", value: "5" },
    });
  });
  it("GIVEN a missing required argument THEN returns error.missingArgument naming it", () => {
    expect(readArgs({ args: { kind: "text", text: "  " } }, specs)).toEqual({
      ok: false,
      error: { id: "error.missingArgument", params: { arg: "key" } },
    });
  });
  it("GIVEN an argument over its length THEN returns error.tooLong with the limit", () => {
    expect(readArgs({ args: { kind: "text", text: "abcdefghijk" } }, specs)).toEqual({
      ok: false,
      error: { id: "error.tooLong", params: { arg: "key", max: 10 } },
    });
  });
  it("GIVEN more words than arguments and no rest argument THEN returns error.tooManyArguments", () => {
    const single: ArgSpec[] = [{ name: "key", description: "arg.config.key", required: true, maxLength: 10 }];
    expect(readArgs({ args: { kind: "text", text: "a b" } }, single)).toEqual({
      ok: false,
      error: { id: "error.tooManyArguments" },
    });
  });
  it("GIVEN control characters THEN refuses the text", () => {
    expect(readArgs({ args: { kind: "text", text: "a\u0007b" } }, specs)).toMatchObject({
      ok: false,
      error: { id: "error.invalidText" },
    });
  });
  it("GIVEN specs THEN usage marks required and optional arguments", () => {
    expect(usageOf("config", specs)).toBe("config <key> [value]");
  });
});
