// The /imagine variables: the images endpoint is optional, checked like the model's URL, its key is
// a secret, and its time limit stays under the job's.
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv, secretsOf } from "@memebot/config";

const problemsOf = (source: Record<string, string>): string[] => {
  try {
    parseEnv(source);
    return [];
  } catch (error) {
    if (error instanceof EnvError) return [...error.problems];
    throw error;
  }
};

describe("IMAGE_* variables", () => {
  it("default to no images endpoint, the stablediffusion model and a 120 s limit", () => {
    const env = parseEnv({});
    expect(env.IMAGE_API_BASE_URL).toBeUndefined();
    expect(env.IMAGE_API_KEY).toBeUndefined();
    expect(env.IMAGE_MODEL).toBe("stablediffusion");
    expect(env.IMAGE_TIMEOUT_MS).toBe(120_000);
    expect(env.IMAGE_NEGATIVE_PROMPT).toBe("field");
    expect(env.IMAGE_SIZE).toBe("1024x1024");
    expect(parseEnv({ IMAGE_SIZE: "512x512" }).IMAGE_SIZE).toBe("512x512");
    expect(problemsOf({ IMAGE_SIZE: "big" })).toEqual([
      expect.stringMatching(/^IMAGE_SIZE must be <width>x<height>/),
    ]);
    expect(parseEnv({ IMAGE_NEGATIVE_PROMPT: "pipe" }).IMAGE_NEGATIVE_PROMPT).toBe("pipe");
    expect(problemsOf({ IMAGE_NEGATIVE_PROMPT: "body" })).toEqual([
      expect.stringMatching(/^IMAGE_NEGATIVE_PROMPT /),
    ]);
  });

  it("read an endpoint, a key, a model and a time limit; blank counts as unset", () => {
    const env = parseEnv({
      IMAGE_API_BASE_URL: "http://localai:8080/v1",
      IMAGE_API_KEY: "sk-image-SECRET-1234",
      IMAGE_MODEL: " flux.1-schnell ",
      IMAGE_TIMEOUT_MS: "90000",
    });
    expect(env).toMatchObject({
      IMAGE_API_BASE_URL: "http://localai:8080/v1",
      IMAGE_API_KEY: "sk-image-SECRET-1234",
      IMAGE_MODEL: "flux.1-schnell",
      IMAGE_TIMEOUT_MS: 90_000,
    });
    const blank = parseEnv({ IMAGE_API_BASE_URL: "  ", IMAGE_MODEL: "" });
    expect(blank.IMAGE_API_BASE_URL).toBeUndefined();
    expect(blank.IMAGE_MODEL).toBe("stablediffusion");
  });

  it("name every wrong value without echoing it", () => {
    const problems = problemsOf({
      IMAGE_API_BASE_URL: "ftp://sd.local/v1",
      IMAGE_TIMEOUT_MS: "3e4",
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^IMAGE_API_BASE_URL must be an http:\/\/ or https:\/\/ URL/),
        expect.stringMatching(/^IMAGE_TIMEOUT_MS must be a whole number/),
      ]),
    );
    expect(problems.join("\n")).not.toContain("sd.local");
    expect(problemsOf({ IMAGE_TIMEOUT_MS: "600000" })).toEqual([
      expect.stringMatching(/^IMAGE_TIMEOUT_MS must be at most 170000/),
    ]);
    expect(problemsOf({ IMAGE_API_BASE_URL: "https://user:hunter22@sd.example/v1" })).toEqual([
      expect.stringMatching(/^IMAGE_API_BASE_URL must not hold a user name or password/),
    ]);
  });

  it("keep the key and a key in the endpoint's query out of logs", () => {
    const env = parseEnv({
      IMAGE_API_BASE_URL: "https://sd.example/v1?api_key=qk-7f3a9c2e11",
      IMAGE_API_KEY: "sk-image-SECRET-1234",
    });
    expect(secretsOf(env)).toEqual(expect.arrayContaining(["sk-image-SECRET-1234", "qk-7f3a9c2e11"]));
  });
});
