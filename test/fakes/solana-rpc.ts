// A local Solana JSON-RPC node over LiteSVM, so unchanged web3.js Connection and spl-token code runs
// in tests: HTTP JSON-RPC 2.0 (single and batch), and a WebSocket on the same port whose
// signatureSubscribe answers at once. Test controls: per-method counters and failure injection.
// One fake per test file: start it in beforeAll, close it in afterAll.
import { createServer, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { closeServer, listenOnLoopback, readBody, sendJson } from "./shared/http.ts";
import { FakeChain } from "./solana/chain.ts";
import { RpcMethodError } from "./solana/accounts.ts";
import { ChainSetup } from "./solana/setup.ts";

export { FakeChain } from "./solana/chain.ts";
export type { FakeMint, FakeWallet } from "./solana/setup.ts";
export { TOKEN_PROGRAM, TOKEN_2022_PROGRAM, type TokenProgramName } from "./solana/token-layout.ts";

export type FakeRpcFailure =
  | { kind: "status"; status: number; retryAfterSeconds?: number }
  | { kind: "rpc-error"; code?: number; message?: string }
  | { kind: "hang" };

export interface FakeSolanaRpc {
  /** e.g. "http://127.0.0.1:40123", for `new Connection(url, { wsEndpoint })`. */
  url: string;
  /** The WebSocket endpoint (same port); web3.js would guess port + 1 without it. */
  wsUrl: string;
  chain: FakeChain;
  /** Mints, wallets, token accounts and balance changes. */
  setup: ChainSetup;
  /** JSON-RPC calls by method since start or resetCounts() (each call of a batch counts). */
  readonly calls: Readonly<Record<string, number>>;
  /** HTTP requests since start or resetCounts() (a batch counts once). */
  readonly httpRequests: number;
  resetCounts(): void;
  /**
   * The next `count` HTTP requests (only those calling `method`, when given) fail this way.
   * Failing requests are counted in `calls` and `httpRequests` like others.
   */
  failNext(count: number, failure: FakeRpcFailure, options?: { method?: string }): void;
  /** Forgets failures still waiting to happen. */
  clearFailures(): void;
  close(): Promise<void>;
}

interface RpcRequest {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

interface PendingFailure {
  remaining: number;
  failure: FakeRpcFailure;
  method?: string;
}

export interface FakeSolanaRpcOptions {
  /** Serve this chain (another fake's), e.g. to stand for a fallback endpoint of the same cluster. */
  chain?: FakeChain;
}

export async function startFakeSolanaRpc(options: FakeSolanaRpcOptions = {}): Promise<FakeSolanaRpc> {
  const chain = options.chain ?? new FakeChain();
  const setup = new ChainSetup(chain);
  await setup.init();
  let calls: Record<string, number> = {};
  let httpRequests = 0;
  const failures: PendingFailure[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    readBody(req).then(
      (body) => answer(res, body),
      () => res.destroy(),
    );
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  function answer(res: ServerResponse, body: Buffer): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      sendJson(res, 200, { jsonrpc: "2.0", error: { code: -32700, message: "Parse error" }, id: null });
      return;
    }
    const batch = Array.isArray(parsed);
    const requests = (batch ? parsed : [parsed]) as RpcRequest[];
    httpRequests += 1;
    for (const request of requests) {
      const method = String(request?.method);
      calls[method] = (calls[method] ?? 0) + 1;
    }
    const failure = takeFailure(requests);
    if (failure) {
      fail(res, failure, requests, batch);
      return;
    }
    const answers = requests.map(callOne);
    sendJson(res, 200, batch ? answers : answers[0]);
  }

  function takeFailure(requests: RpcRequest[]): FakeRpcFailure | null {
    const pending = failures.find(
      (entry) => entry.method === undefined || requests.some((request) => request?.method === entry.method),
    );
    if (!pending) return null;
    pending.remaining -= 1;
    if (pending.remaining <= 0) failures.splice(failures.indexOf(pending), 1);
    return pending.failure;
  }

  function fail(res: ServerResponse, failure: FakeRpcFailure, requests: RpcRequest[], batch: boolean): void {
    if (failure.kind === "hang") return; // Held until the client gives up or close() ends the socket.
    if (failure.kind === "status") {
      const headers: Record<string, string> =
        failure.retryAfterSeconds === undefined ? {} : { "retry-after": String(failure.retryAfterSeconds) };
      const text =
        failure.status === 429 ? "Too many requests for a specific RPC call" : "Internal Server Error";
      sendJson(
        res,
        failure.status,
        { jsonrpc: "2.0", error: { code: failure.status, message: text }, id: null },
        headers,
      );
      return;
    }
    const answers = requests.map((request) => ({
      jsonrpc: "2.0",
      error: { code: failure.code ?? -32005, message: failure.message ?? "Node is behind by 42 slots" },
      id: request?.id ?? null,
    }));
    sendJson(res, 200, batch ? answers : answers[0]);
  }

  function callOne(request: RpcRequest): unknown {
    const id = request?.id ?? null;
    if (typeof request?.method !== "string") {
      return { jsonrpc: "2.0", error: { code: -32600, message: "Invalid Request" }, id };
    }
    try {
      const params = Array.isArray(request.params) ? request.params : [];
      return { jsonrpc: "2.0", result: chain.call(request.method, params), id };
    } catch (error) {
      if (error instanceof RpcMethodError) {
        const rpcError = {
          code: error.code,
          message: error.message,
          ...(error.data === undefined ? {} : { data: error.data }),
        };
        return { jsonrpc: "2.0", error: rpcError, id };
      }
      return {
        jsonrpc: "2.0",
        error: { code: -32603, message: `Internal error: ${(error as Error).message}` },
        id,
      };
    }
  }

  // web3.js confirms a transaction by subscribing to its signature; the fake answers at once, since a
  // transaction is final as soon as sendTransaction returns.
  const subscriptions = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    subscriptions.handleUpgrade(req, socket, head, (ws) => serveSubscriptions(ws));
  });

  function serveSubscriptions(ws: WebSocket): void {
    let nextSubscription = 1;
    const watched = new Map<string, number>();
    const notify = (signature: string, subscription: number, err: unknown) => {
      ws.send(
        JSON.stringify({
          jsonrpc: "2.0",
          method: "signatureNotification",
          params: { result: { context: { slot: chain.slot }, value: { err } }, subscription },
        }),
      );
      watched.delete(signature);
    };
    const listener = (signature: string, status: { err: unknown }) => {
      const subscription = watched.get(signature);
      if (subscription !== undefined) notify(signature, subscription, status.err);
    };
    chain.onStatus.add(listener);
    ws.on("close", () => chain.onStatus.delete(listener));
    ws.on("message", (data) => {
      let request: RpcRequest;
      try {
        request = JSON.parse(String(data)) as RpcRequest;
      } catch {
        return;
      }
      const method = String(request.method);
      calls[method] = (calls[method] ?? 0) + 1;
      if (method.endsWith("Unsubscribe")) {
        ws.send(JSON.stringify({ jsonrpc: "2.0", result: true, id: request.id }));
        return;
      }
      const subscription = nextSubscription++;
      ws.send(JSON.stringify({ jsonrpc: "2.0", result: subscription, id: request.id }));
      if (method === "signatureSubscribe") {
        const signature = String((request.params as unknown[] | undefined)?.[0]);
        const status = chain.statuses.get(signature);
        watched.set(signature, subscription);
        if (status) setImmediate(() => notify(signature, subscription, status.err));
      }
    });
  }

  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    chain,
    setup,
    get calls() {
      return calls;
    },
    get httpRequests() {
      return httpRequests;
    },
    resetCounts() {
      calls = {};
      httpRequests = 0;
    },
    failNext(count, failure, only = {}) {
      failures.push({ remaining: count, failure, ...(only.method ? { method: only.method } : {}) });
    },
    clearFailures() {
      failures.length = 0;
    },
    async close() {
      for (const client of subscriptions.clients) client.terminate();
      subscriptions.close();
      for (const socket of sockets) socket.destroy();
      await closeServer(server);
    },
  };
}
