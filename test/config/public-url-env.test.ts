// PUBLIC_URL: the address users reach the bot's pages at. Optional, an absolute http(s) URL, kept
// without a trailing slash so paths join with "/".
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@memebot/config";

const problemsOf = (source: Record<string, string>): string[] => {
  try {
    parseEnv(source);
    return [];
  } catch (error) {
    if (error instanceof EnvError) return [...error.problems];
    throw error;
  }
};

describe("PUBLIC_URL", () => {
  it("is unset by default, and a blank value counts as unset", () => {
    expect(parseEnv({}).PUBLIC_URL).toBeUndefined();
    expect(parseEnv({ PUBLIC_URL: "  " }).PUBLIC_URL).toBeUndefined();
  });

  it("keeps an http(s) address without its trailing slashes", () => {
    expect(parseEnv({ PUBLIC_URL: "https://bot.example.com" }).PUBLIC_URL).toBe("https://bot.example.com");
    expect(parseEnv({ PUBLIC_URL: "https://bot.example.com/" }).PUBLIC_URL).toBe("https://bot.example.com");
    expect(parseEnv({ PUBLIC_URL: " https://example.com/memebot// " }).PUBLIC_URL).toBe(
      "https://example.com/memebot",
    );
    expect(parseEnv({ PUBLIC_URL: "http://127.0.0.1:3000/" }).PUBLIC_URL).toBe("http://127.0.0.1:3000");
  });

  it("refuses relative addresses and other schemes, saying what it needs", () => {
    for (const written of ["bot.example.com", "/wallet", "ftp://bot.example.com", "javascript:alert(1)"]) {
      expect(problemsOf({ PUBLIC_URL: written }), written).toEqual([
        "PUBLIC_URL must be an absolute http:// or https:// URL, e.g. https://bot.example.com",
      ]);
    }
  });

  it("refuses credentials, a query or a fragment, without echoing them", () => {
    for (const written of [
      "https://admin:hunter2-pass@bot.example.com",
      "https://bot.example.com/?token=abc",
      "https://bot.example.com/#top",
    ]) {
      const problems = problemsOf({ PUBLIC_URL: written });
      expect(problems, written).toEqual([
        "PUBLIC_URL must be a plain address users open (no user name, password, ?query or #fragment)",
      ]);
      expect(problems.join("")).not.toContain("hunter2");
    }
  });
});
