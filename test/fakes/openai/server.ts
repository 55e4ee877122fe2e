// A local OpenAI-compatible chat server, so tests run the real `openai` client end to end.
// It speaks just enough of the wire protocol: POST /v1/chat/completions (JSON and SSE
// streams), POST /v1/images/generations (b64_json only) and GET /v1/models. The hot path stays cheap: a benchmark pushes thousands of
// requests per second through it.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import sharp from "sharp";

export type FakeOpenAIBehaviour =
  | {
      kind: "reply";
      /** The assistant message content; null mimics a reasoning server that put everything in reasoning_content. */
      content: string | null;
      delayMs?: number;
      /** Sent as message.reasoning_content, like vLLM's --reasoning-parser. */
      reasoning?: string;
      finishReason?: "stop" | "length";
      /** Token counts to report; null sends no `usage` (some servers do not). Default: 10 in, content length / 4 out. */
      usage?: { prompt_tokens: number; completion_tokens: number } | null;
      /** Streams only: a pause before each content piece, so the answer arrives over time. */
      chunkDelayMs?: number;
      /** Streams only: the connection is cut once this many content characters are sent. */
      breakAfterChars?: number;
    }
  /** Streams only: accepts (200, an empty first chunk), then never sends a token. */
  | { kind: "mute-stream" }
  /** Never answers; the connection stays open until close(). */
  | { kind: "hang" }
  /** An HTTP error. `body` defaults to OpenAI's `{ error: { message, type, param, code } }`. */
  | { kind: "status"; status: number; body?: unknown; headers?: Record<string, string> }
  /** A body that is not JSON (a proxy's HTML page by default). */
  | { kind: "garbage"; status?: number; contentType?: string; body?: string };

/** How POST /v1/images/generations answers. */
export type FakeImagesBehaviour =
  /** A real PNG (a small gradient made with sharp) as b64_json; `b64` sends that text instead. */
  | { kind: "image"; delayMs?: number; b64?: string }
  | { kind: "hang" }
  | { kind: "status"; status: number; body?: unknown }
  | { kind: "garbage"; status?: number; contentType?: string; body?: string };

export interface FakeChatRequest {
  model?: string;
  messages?: Array<{ role: string; content?: unknown }>;
  stream?: boolean;
  response_format?: unknown;
  temperature?: number;
  max_tokens?: number;
  [key: string]: unknown;
}

/** A function may answer later (a promise): a test holds some requests back while others are answered. */
export type FakeOpenAIBehaviourSetting =
  FakeOpenAIBehaviour | ((body: FakeChatRequest) => FakeOpenAIBehaviour | Promise<FakeOpenAIBehaviour>);

export interface FakeOpenAIRequest {
  path: string;
  /** The parsed JSON body; {} for requests without one. */
  body: FakeChatRequest;
  headers: IncomingHttpHeaders;
  /** Date.now() when the body had arrived. */
  at: number;
}

export interface FakeOpenAIOptions {
  behaviour?: FakeOpenAIBehaviourSetting;
  /** Ids listed by GET /v1/models. */
  models?: string[];
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401. */
  apiKey?: string;
  /** Keep every request in `requests` (default true); a long benchmark may turn it off. */
  record?: boolean;
  /** How the images endpoint answers; a picture by default. */
  images?: FakeImagesBehaviour;
}

export interface FakeOpenAI {
  /** e.g. "http://127.0.0.1:40123/v1", ready for `new OpenAI({ baseURL })`. */
  baseURL: string;
  requests: FakeOpenAIRequest[];
  /** Requests seen so far, recorded or not. */
  readonly requestCount: number;
  /** Chat completions being answered right now (received, response not yet finished). */
  readonly inFlight: number;
  /** The most chat completions in flight at once since the start or resetMaxInFlight(). */
  readonly maxInFlight: number;
  resetMaxInFlight(): void;
  setBehaviour(behaviour: FakeOpenAIBehaviourSetting): void;
  setImagesBehaviour(behaviour: FakeImagesBehaviour): void;
  close(): Promise<void>;
}

/**
 * The default behaviour: valid meme JSON about the user's topic, on the first template the prompt
 * lists ("- <name>: <description> Boxes: "<id>" (<label>), …"): "NOBODY:" in its first box, the
 * punchline in its last, "…" in any between.
 */
export function memeReply(body: FakeChatRequest): FakeOpenAIBehaviour {
  const topic = topicOf(body).toUpperCase().slice(0, 50) || "THIS TOKEN";
  const system = String(body.messages?.[0]?.content ?? "");
  const listed = /^- ([a-z0-9-]+): .*Boxes: (.*)$/m.exec(system);
  const ids = [...(listed?.[2] ?? "").matchAll(/"([^"]+)" \(/g)].map((match) => match[1] as string);
  const punchline = `${topic} HOLDERS: WAGMI`;
  const texts = Object.fromEntries(
    ids.map((id, index) => [id, index === 0 ? "NOBODY:" : index === ids.length - 1 ? punchline : "…"]),
  );
  const meme = { template: listed?.[1] ?? "unknown", texts, caption: `gm ${topic.toLowerCase()} frens` };
  return { kind: "reply", content: JSON.stringify(meme) };
}

const BULLISH = /\b(moon|pump|send|bull|buy|ape|lfg|gem|wagmi|up only|green|ath)/i;
const BEARISH = /\b(rug|dump|scam|sell|bear|rekt|dead|red|exit|ngmi|down bad)/i;

/**
 * The sentiment task's answer: one item per `<chat_message id="…">` line of the prompt, labelled by a
 * few chat words (moon, pump → bullish; rug, dump → bearish; else neutral). Its usage is counted from
 * the request, as a server's tokenizer would: about one prompt token per four characters of the
 * messages, one completion token per four characters of the answer.
 */
export function sentimentReply(body: FakeChatRequest): FakeOpenAIBehaviour {
  let promptChars = 0;
  let user = "";
  for (const message of body.messages ?? []) {
    const text = typeof message.content === "string" ? message.content : "";
    promptChars += text.length;
    if (message.role === "user") user = text;
  }
  const scores = [...user.matchAll(/^<chat_message id="([^"]+)">(.*)<\/chat_message>$/gm)].map(
    ([, id, text = ""]) => {
      const bull = BULLISH.test(text);
      const bear = BEARISH.test(text);
      const label = bull === bear ? "neutral" : bull ? "bullish" : "bearish";
      const score = label === "bullish" ? 0.6 : label === "bearish" ? -0.6 : 0;
      return { id, label, score, confidence: 0.8 };
    },
  );
  const content = JSON.stringify({ scores });
  return {
    kind: "reply",
    content,
    usage: { prompt_tokens: Math.ceil(promptChars / 4), completion_tokens: Math.ceil(content.length / 4) },
  };
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  let behaviour: FakeOpenAIBehaviourSetting = options.behaviour ?? memeReply;
  let imagesBehaviour: FakeImagesBehaviour = options.images ?? { kind: "image" };
  const models = options.models ?? ["fake-model"];
  const record = options.record ?? true;
  const requests: FakeOpenAIRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let requestCount = 0;
  let completionCount = 0;
  let inFlight = 0;
  let maxInFlight = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0] as string;
      let body: FakeChatRequest = {};
      if (chunks.length > 0) {
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as FakeChatRequest;
        } catch {
          sendError(res, 400, "We could not parse the JSON body of your request.", "invalid_request_error");
          return;
        }
      }
      requestCount += 1;
      if (record) requests.push({ path, body, headers: req.headers, at: Date.now() });
      route(req, res, path, body);
    });
  });
  // Track sockets ourselves: close() must end hanging and keep-alive connections at once.
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  function route(req: IncomingMessage, res: ServerResponse, path: string, body: FakeChatRequest): void {
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      sendError(res, 401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
      return;
    }
    if (req.method === "POST" && path === "/v1/chat/completions") {
      const chosen = typeof behaviour === "function" ? behaviour(body) : behaviour;
      completionCount += 1;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      res.on("close", () => (inFlight -= 1));
      const n = completionCount;
      if (chosen instanceof Promise) {
        chosen.then(
          (later) => {
            if (!res.destroyed) respond(res, later, body, n);
          },
          () => res.destroy(),
        );
      } else {
        respond(res, chosen, body, n);
      }
      return;
    }
    if (req.method === "POST" && path === "/v1/images/generations") {
      void answerImages(res, imagesBehaviour, timers);
      return;
    }
    if (req.method === "GET" && path === "/v1/models") {
      sendJson(res, 200, {
        object: "list",
        data: models.map((id) => ({ id, object: "model", created: 0, owned_by: "fake-openai" })),
      });
      return;
    }
    sendError(
      res,
      404,
      `Unknown request URL: ${req.method} ${path}.`,
      "invalid_request_error",
      "unknown_url",
    );
  }

  function respond(res: ServerResponse, chosen: FakeOpenAIBehaviour, body: FakeChatRequest, n: number): void {
    switch (chosen.kind) {
      case "reply": {
        const send = () =>
          body.stream ? sendStream(res, chosen, body, n, timers) : sendCompletion(res, chosen, body, n);
        if (chosen.delayMs && chosen.delayMs > 0) {
          const timer = setTimeout(() => {
            timers.delete(timer);
            send();
          }, chosen.delayMs);
          timers.add(timer);
        } else {
          send();
        }
        return;
      }
      case "hang":
        return;
      case "mute-stream":
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        res.write(
          `data: ${JSON.stringify({ id: `chatcmpl-fake-${n}`, object: "chat.completion.chunk", created: 0, model: body.model ?? "fake-model", choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }] })}\n\n`,
        );
        return;
      case "status": {
        const payload = JSON.stringify(chosen.body ?? errorBody(chosen.status));
        res.writeHead(chosen.status, { "content-type": "application/json", ...chosen.headers });
        res.end(payload);
        return;
      }
      case "garbage":
        res.writeHead(chosen.status ?? 200, {
          "content-type": chosen.contentType ?? "text/html; charset=utf-8",
        });
        res.end(
          chosen.body ?? "<html><body><h1>Bad Gateway</h1><p>upstream is having a moment</p></body></html>",
        );
        return;
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get requestCount() {
      return requestCount;
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    resetMaxInFlight() {
      maxInFlight = inFlight;
    },
    setBehaviour(next) {
      behaviour = next;
    },
    setImagesBehaviour(next) {
      imagesBehaviour = next;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

// Made once per process, on the first images request: the chat hot path never pays for it.
let fakePicture: Promise<string> | undefined;

/** The base64 of a small real PNG (a 64×64 gradient). */
export function fakePictureBase64(): Promise<string> {
  fakePicture ??= sharp(Buffer.from(Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 7) % 256)), {
    raw: { width: 64, height: 64, channels: 3 },
  })
    .png()
    .toBuffer()
    .then((png) => png.toString("base64"));
  return fakePicture;
}

async function answerImages(
  res: ServerResponse,
  chosen: FakeImagesBehaviour,
  timers: Set<NodeJS.Timeout>,
): Promise<void> {
  switch (chosen.kind) {
    case "hang":
      return;
    case "status":
      sendJson(res, chosen.status, chosen.body ?? errorBody(chosen.status));
      return;
    case "garbage":
      res.writeHead(chosen.status ?? 200, {
        "content-type": chosen.contentType ?? "text/html; charset=utf-8",
      });
      res.end(chosen.body ?? "<html><body><h1>502 Bad Gateway</h1></body></html>");
      return;
    case "image": {
      const b64 = chosen.b64 ?? (await fakePictureBase64());
      const send = () => {
        if (!res.destroyed)
          sendJson(res, 200, { created: Math.floor(Date.now() / 1000), data: [{ b64_json: b64 }] });
      };
      if (!chosen.delayMs) return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, chosen.delayMs);
      timers.add(timer);
      return;
    }
  }
}

type Reply = Extract<FakeOpenAIBehaviour, { kind: "reply" }>;

function sendCompletion(res: ServerResponse, reply: Reply, body: FakeChatRequest, n: number): void {
  const message: Record<string, unknown> = { role: "assistant", content: reply.content };
  if (reply.reasoning !== undefined) message.reasoning_content = reply.reasoning;
  const usage = usageOf(reply);
  sendJson(res, 200, {
    id: `chatcmpl-fake-${n}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: body.model ?? "fake-model",
    choices: [{ index: 0, message, logprobs: null, finish_reason: reply.finishReason ?? "stop" }],
    ...(usage ? { usage } : {}),
  });
}

function usageOf(reply: Reply) {
  if (reply.usage === null) return undefined;
  const { prompt_tokens, completion_tokens } = reply.usage ?? {
    prompt_tokens: 10,
    completion_tokens: Math.ceil((reply.content?.length ?? 0) / 4),
  };
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

const STREAM_PIECE_CHARS = 16;

function sendStream(
  res: ServerResponse,
  reply: Reply,
  body: FakeChatRequest,
  n: number,
  timers: Set<NodeJS.Timeout>,
): void {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  const base = {
    id: `chatcmpl-fake-${n}`,
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model: body.model ?? "fake-model",
  };
  const frame = (delta: Record<string, unknown>, finishReason: string | null) =>
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] })}\n\n`;

  let out = frame({ role: "assistant", content: "" }, null);
  if (reply.reasoning !== undefined) out += frame({ reasoning_content: reply.reasoning }, null);
  const content = reply.content ?? "";
  const pieces: string[] = [];
  for (let i = 0; i < content.length; i += STREAM_PIECE_CHARS) {
    pieces.push(frame({ content: content.slice(i, i + STREAM_PIECE_CHARS) }, null));
  }
  let ending = frame({}, reply.finishReason ?? "stop");
  // Like OpenAI: the usage comes in a last chunk without choices, and only when asked for.
  const usage = usageOf(reply);
  const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
  if (usage && streamOptions?.include_usage) {
    ending += `data: ${JSON.stringify({ ...base, choices: [], usage })}\n\n`;
  }
  ending += "data: [DONE]\n\n";

  if (!reply.chunkDelayMs && reply.breakAfterChars === undefined) {
    res.end(out + pieces.join("") + ending);
    return;
  }
  res.write(out);
  let sentChars = 0;
  const next = (index: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (res.destroyed) return;
      if (reply.breakAfterChars !== undefined && sentChars >= reply.breakAfterChars) {
        res.socket?.destroy();
        return;
      }
      const piece = pieces[index];
      if (piece === undefined) {
        res.end(ending);
        return;
      }
      res.write(piece);
      sentChars += STREAM_PIECE_CHARS;
      next(index + 1);
    }, reply.chunkDelayMs ?? 0);
    timers.add(timer);
  };
  next(0);
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  type: string,
  code: string | null = null,
) {
  sendJson(res, status, { error: { message, type, param: null, code } });
}

function errorBody(status: number): unknown {
  if (status === 429) {
    return {
      error: { message: "Rate limit reached.", type: "requests", param: null, code: "rate_limit_exceeded" },
    };
  }
  if (status >= 500) {
    return { error: { message: "The server is overloaded.", type: "server_error", param: null, code: null } };
  }
  return {
    error: {
      message: `Request failed with status ${status}.`,
      type: "invalid_request_error",
      param: null,
      code: null,
    },
  };
}

function topicOf(body: FakeChatRequest): string {
  const messages = body.messages ?? [];
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i];
    if (message?.role !== "user" || typeof message.content !== "string") continue;
    const topicLine = /^Topic:\s*(.*)$/m.exec(message.content);
    return (topicLine?.[1] ?? message.content).trim();
  }
  return "";
}
