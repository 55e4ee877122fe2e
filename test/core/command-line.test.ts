import { describe, expect, it } from "vitest";
import { parseCommandLine } from "@memebot/core";

describe("parseCommandLine", () => {
  it("GIVEN a command with arguments THEN splits the name from the rest of the line", () => {
    expect(parseCommandLine("/meme  moon   soon ")).toEqual({ name: "meme", argsText: "moon   soon" });
  });
  it("GIVEN a command addressed to a bot THEN keeps the mention apart", () => {
    expect(parseCommandLine("/Meme@OurBot wagmi")).toEqual({
      name: "meme",
      mention: "OurBot",
      argsText: "wagmi",
    });
  });
  it("GIVEN plain text or a bare slash THEN is not a command", () => {
    expect(parseCommandLine("gm everyone")).toBeUndefined();
    expect(parseCommandLine("/")).toBeUndefined();
    expect(parseCommandLine("/über")).toBeUndefined();
  });
});
