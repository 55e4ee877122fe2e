// The Solana RPC variables: a default public endpoint, fallbacks as a comma list, every one checked
// as an http(s) URL, and their keys (query or path) kept out of logs.
import { EnvError, parseEnv, secretsOf } from "@memebot/config";
import { describe, expect, it } from "vitest";

const problemsOf = (source: Record<string, string>): string[] => {
  try {
    parseEnv(source);
    return [];
  } catch (error) {
    if (error instanceof EnvError) return [...error.problems];
    throw error;
  }
};

describe("SOLANA_RPC_* variables", () => {
  it("default to the public mainnet endpoint and no fallbacks", () => {
    const env = parseEnv({});
    expect(env.SOLANA_RPC_URL).toBe("https://api.mainnet-beta.solana.com");
    expect(env.SOLANA_RPC_FALLBACK_URLS).toEqual([]);
    expect(parseEnv({ SOLANA_RPC_FALLBACK_URLS: " " }).SOLANA_RPC_FALLBACK_URLS).toEqual([]);
  });

  it("read fallbacks as a comma-separated list, in order", () => {
    const env = parseEnv({
      SOLANA_RPC_URL: "https://rpc.example.com",
      SOLANA_RPC_FALLBACK_URLS: "https://a.example.com, https://b.example.com/,",
    });
    expect(env.SOLANA_RPC_URL).toBe("https://rpc.example.com");
    expect(env.SOLANA_RPC_FALLBACK_URLS).toEqual(["https://a.example.com", "https://b.example.com/"]);
  });

  it("refuse anything but http(s) URLs", () => {
    expect(problemsOf({ SOLANA_RPC_URL: "wss://rpc.example.com" })).toEqual([
      "SOLANA_RPC_URL must be an http:// or https:// URL",
    ]);
    expect(problemsOf({ SOLANA_RPC_FALLBACK_URLS: "https://a.example.com,not a url" })).toEqual([
      "SOLANA_RPC_FALLBACK_URLS.1 must be a comma-separated list of http:// or https:// URLs",
    ]);
  });

  it("keep API keys in the query or the path out of logs", () => {
    const env = parseEnv({
      SOLANA_RPC_URL: "https://mainnet.helius-rpc.com/?api-key=0f3c9a7e-1b2d-4e5f-8a9b-123456789abc",
      SOLANA_RPC_FALLBACK_URLS:
        "https://late-wild-sea.solana-mainnet.quiknode.pro/4f8e2b1c9d7a6e5f3b2c1d0e9f8a7b6c/,https://solana-mainnet.g.alchemy.com/v2/Ab3dEf6hIj9kLm2nOp5qRs8t",
    });
    expect(secretsOf(env)).toEqual(
      expect.arrayContaining([
        "0f3c9a7e-1b2d-4e5f-8a9b-123456789abc",
        "4f8e2b1c9d7a6e5f3b2c1d0e9f8a7b6c",
        "Ab3dEf6hIj9kLm2nOp5qRs8t",
      ]),
    );
    expect(secretsOf(env)).not.toContain("v2");
  });
});
