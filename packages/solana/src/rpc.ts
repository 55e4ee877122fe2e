// Solana RPC endpoints as one source: SOLANA_RPC_URL first, the fallbacks after it, each paced to
// its own rate limit, with a time limit on every request and counters for benchmarks. A failing
// endpoint is tried last for a while, so a dead primary does not cost a timeout on every call.
import { Connection, SolanaJSONRPCError, type Commitment } from "@solana/web3.js";
import { RequestPace } from "./rate-limit.ts";

export interface SolanaRpcOptions {
  /** Endpoints in order of preference: the primary first, then fallbacks. */
  urls: readonly string[];
  /** Requests a second per endpoint (default 10: public endpoints allow about that per IP). */
  requestsPerSecond?: number;
  /** Requests that may go at once before pacing starts (default 1). */
  burst?: number;
  /** Time limit of one HTTP request (default 10 s). */
  timeoutMs?: number;
  /** How long a failed endpoint is tried after the others (default 30 s; a 429's Retry-After wins). */
  cooldownMs?: number;
  commitment?: Commitment;
  /** For tests: the clock that cooldowns are measured with. */
  now?: () => number;
}

export type RpcOutcome<T> =
  | { ok: true; value: T }
  /** Every endpoint failed (or the request itself was refused); `detail` never holds an endpoint's URL. */
  | { ok: false; reason: "rpc_error"; detail: string };

export interface RpcEndpointStats {
  /** The endpoint's host (never the URL: RPC URLs often carry an API key). */
  host: string;
  requests: number;
  failures: number;
}

export interface RpcStats {
  /** HTTP requests sent, all endpoints, failed ones included. */
  requests: number;
  /** The same requests by JSON-RPC method. */
  byMethod: Record<string, number>;
  /** Calls that failed on one endpoint (and went on to the next, if any). */
  failures: number;
  endpoints: RpcEndpointStats[];
}

interface Endpoint {
  connection: Connection;
  pace: RequestPace;
  stats: RpcEndpointStats;
  /** Tried after the healthy endpoints until then (ms since the epoch). */
  coolingUntil: number;
}

const METHOD = /"method"\s*:\s*"([A-Za-z]+)"/;

export class SolanaRpc {
  readonly #endpoints: Endpoint[];
  readonly #cooldownMs: number;
  readonly #now: () => number;
  #requests = 0;
  #failures = 0;
  #byMethod: Record<string, number> = {};

  constructor(options: SolanaRpcOptions) {
    if (options.urls.length === 0) throw new Error("SolanaRpc needs at least one endpoint URL");
    this.#cooldownMs = options.cooldownMs ?? 30_000;
    this.#now = options.now ?? Date.now;
    const timeoutMs = options.timeoutMs ?? 10_000;
    this.#endpoints = options.urls.map((url) => {
      const stats: RpcEndpointStats = { host: new URL(url).host, requests: 0, failures: 0 };
      const endpoint: Endpoint = {
        stats,
        pace: new RequestPace(options.requestsPerSecond ?? 10, options.burst ?? 1),
        coolingUntil: 0,
        connection: new Connection(url, {
          commitment: options.commitment ?? "confirmed",
          // Rate limits are ours to handle: web3.js would retry a 429 five times on the same endpoint.
          disableRetryOnRateLimit: true,
          httpAgent: false,
          fetch: async (input, init) => {
            this.#count(init?.body);
            stats.requests += 1;
            const response = await fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
            if (response.status === 429)
              this.#coolFor(endpoint, retryAfterMs(response.headers.get("retry-after")));
            return response;
          },
        }),
      };
      return endpoint;
    });
  }

  get stats(): RpcStats {
    return {
      requests: this.#requests,
      byMethod: { ...this.#byMethod },
      failures: this.#failures,
      endpoints: this.#endpoints.map((endpoint) => ({ ...endpoint.stats })),
    };
  }

  resetStats(): void {
    this.#requests = 0;
    this.#failures = 0;
    this.#byMethod = {};
    for (const endpoint of this.#endpoints) {
      endpoint.stats.requests = 0;
      endpoint.stats.failures = 0;
    }
  }

  /**
   * Runs `request` on the healthiest endpoint, and on the next ones while it fails. A JSON-RPC
   * "invalid params" error is the request's fault, not the endpoint's: it is not tried elsewhere.
   */
  async call<T>(request: (connection: Connection) => Promise<T>): Promise<RpcOutcome<T>> {
    let detail = "no endpoint answered";
    for (const endpoint of this.#inPreferenceOrder()) {
      await endpoint.pace.take();
      try {
        return { ok: true, value: await request(endpoint.connection) };
      } catch (error) {
        this.#failures += 1;
        endpoint.stats.failures += 1;
        detail = `${endpoint.stats.host}: ${describe(error)}`;
        if (error instanceof SolanaJSONRPCError && error.code === -32602) break;
        this.#coolFor(endpoint, this.#cooldownMs);
      }
    }
    return { ok: false, reason: "rpc_error", detail };
  }

  #inPreferenceOrder(): Endpoint[] {
    const now = this.#now();
    const healthy = this.#endpoints.filter((endpoint) => endpoint.coolingUntil <= now);
    const cooling = this.#endpoints
      .filter((endpoint) => endpoint.coolingUntil > now)
      .sort((a, b) => a.coolingUntil - b.coolingUntil);
    return [...healthy, ...cooling];
  }

  #coolFor(endpoint: Endpoint, ms: number): void {
    endpoint.coolingUntil = Math.max(endpoint.coolingUntil, this.#now() + ms);
  }

  #count(body: unknown): void {
    this.#requests += 1;
    const method = typeof body === "string" ? (METHOD.exec(body)?.[1] ?? "unknown") : "unknown";
    this.#byMethod[method] = (this.#byMethod[method] ?? 0) + 1;
  }
}

/** Retry-After in seconds (or an HTTP date); 30 s when absent or unreadable. */
function retryAfterMs(header: string | null): number {
  if (header === null) return 30_000;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : 30_000;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError") return "timed out";
    // web3.js puts the HTTP status and the body's start in its messages; keep them short.
    return error.message.slice(0, 200);
  }
  return String(error).slice(0, 200);
}
