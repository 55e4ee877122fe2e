import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type {
  APIApplicationCommand,
  APIAttachment,
  APIMessage,
  APIMessageComponentButtonInteraction,
  APIUser,
} from "discord.js";
import { WebSocketServer } from "ws";
import { CallLog } from "../shared/call-log.ts";
import {
  closeServer,
  isRecordedFile,
  listenOnLoopback,
  parseMultipart,
  readBody,
  sendJson,
  sendNoContent,
  type RecordedFile,
} from "../shared/http.ts";
import { FakeGateway, type GatewayIdentify } from "./gateway.ts";
import { buttonInteraction, type ButtonInteractionInput } from "./interactions.ts";
import { buttonsOf } from "./messages.ts";
import { snowflake } from "./snowflake.ts";
import type { FakeGuilds } from "./guilds.ts";
import {
  DiscordRestApi,
  type InteractionCallbackRecord,
  type RestResponse,
  type WebhookMessageRecord,
} from "./rest-api.ts";

/**
 * A local Discord: REST under /api/v10 and the gateway WebSocket on the same port, so an
 * unchanged discord.js Client (`new Client({ intents, rest: { api: fake.apiBase } })`) can log in,
 * receive interactions and answer them while the test inspects what it sent.
 */

export interface FakeDiscordOptions {
  applicationId?: string;
  botUser?: Partial<APIUser>;
  /** When set, REST calls and IDENTIFY must carry this bot token; otherwise any token is accepted. */
  token?: string;
  /** HELLO's heartbeat_interval (Discord uses ~41 s). */
  heartbeatIntervalMs?: number;
  /** When set, an interaction callback later than this after dispatch gets 10062 Unknown interaction (Discord: 3000). */
  ackDeadlineMs?: number;
}

export interface DiscordCall {
  method: string;
  /** Path after /api/v10, URL-decoded: "/webhooks/1/tok/messages/@original". */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, or a multipart body's payload_json. */
  body: unknown;
  /** Files of a multipart body (files[n] fields). */
  files: RecordedFile[];
  at: number;
  /** HTTP status the fake answered. */
  status: number;
  response: unknown;
}

export interface RouteMatcher {
  method?: string;
  /** Exact path, a pattern with ":param" segments ("/interactions/:id/:token/callback"), or a RegExp. */
  path: string | RegExp;
}

export interface InjectedResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeDiscord {
  /** Pass to discord.js as `rest: { api }` (no /v10). */
  readonly apiBase: string;
  readonly gatewayUrl: string;
  readonly applicationId: string;
  readonly botUser: APIUser;
  readonly calls: readonly DiscordCall[];
  waitForCall(predicate: (call: DiscordCall) => boolean, timeoutMs?: number): Promise<DiscordCall>;
  /** Successful interaction callbacks (POST /interactions/:id/:token/callback). */
  readonly interactionCallbacks: readonly InteractionCallbackRecord[];
  waitForInteractionCallback(interactionId?: string, timeoutMs?: number): Promise<InteractionCallbackRecord>;
  /** Successful PATCH /webhooks/:app/:token/messages/@original. */
  readonly originalEdits: readonly WebhookMessageRecord[];
  waitForOriginalEdit(token?: string, timeoutMs?: number): Promise<WebhookMessageRecord>;
  /** Successful POST /webhooks/:app/:token. */
  readonly followUps: readonly WebhookMessageRecord[];
  /** The interaction's reply as it stands now. */
  originalMessage(interactionToken: string): APIMessage | undefined;
  registeredCommands(guildId?: string): APIApplicationCommand[];
  channelMessages(channelId?: string): APIMessage[];
  /** The next `times` requests matching `route` get this answer instead (429 gets a retry-after header). */
  failNext(route: RouteMatcher, response: InjectedResponse, times?: number): void;
  /** Sends a gateway dispatch to every ready client; returns how many received it live. */
  dispatch(eventName: string, data: unknown): number;
  /** INTERACTION_CREATE to every ready client; the fake also starts tracking the interaction's token. */
  dispatchInteraction(interaction: object): number;
  /**
   * A member presses a button of `message` (the one with `customId`, or its first): a MESSAGE_COMPONENT
   * interaction dispatched like Discord's, returned so it can be delivered again. Throws when the
   * message has no such button: a test can only press what the bot really sent.
   */
  pressButton(
    input: Omit<ButtonInteractionInput, "applicationId" | "customId"> & { customId?: string },
  ): APIMessageComponentButtonInteraction;
  waitForReady(timeoutMs?: number): Promise<void>;
  /** Drops every gateway connection; with the default 4000 discord.js resumes and gets missed events replayed. */
  disconnectAll(code?: number): void;
  readonly identifies: readonly GatewayIdentify[];
  readonly readyClientCount: number;
  readonly heartbeatCount: number;
  /**
   * Keeps a file as if a user had uploaded it with a command, served (GET) at the returned
   * attachment's `url` under this server's origin, in place of cdn.discordapp.com. Each download
   * is logged as a call with `path` "/attachments/…". Pass the attachment in an interaction's
   * `attachments` and an option `{ type: 11, value: attachment.id }`.
   */
  hostAttachment(filename: string, content: Buffer | string, contentType?: string): APIAttachment;
  /** The origin attachment URLs start with ("http://127.0.0.1:PORT"). */
  readonly attachmentOrigin: string;
  /** Guilds' roles and members: set them up, then read what role grants and removals left. */
  readonly guilds: FakeGuilds;
  close(): Promise<void>;
}

const NO_USER_FLAGS = 0 as NonNullable<APIUser["flags"]>;
const DEFAULT_APPLICATION_ID = "1190000000000000001";

interface Failure {
  matches: (method: string, path: string) => boolean;
  response: InjectedResponse;
  remaining: number;
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const applicationId = options.applicationId ?? DEFAULT_APPLICATION_ID;
  const botUser: APIUser = {
    // A bot user's id is its application's id.
    id: applicationId,
    username: "FakeMemeBot",
    global_name: null,
    discriminator: "0",
    avatar: null,
    bot: true,
    public_flags: NO_USER_FLAGS,
    flags: NO_USER_FLAGS,
    ...options.botUser,
  };
  let port = 0;
  const gatewayUrl = () => `ws://127.0.0.1:${port}`;
  const rest = new DiscordRestApi({
    applicationId,
    botUser,
    gatewayUrl,
    token: options.token,
    ackDeadlineMs: options.ackDeadlineMs,
  });
  const gateway = new FakeGateway({
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    token: options.token,
    url: gatewayUrl,
    readyData: (sessionId) => ({
      v: 10,
      user: { ...botUser, verified: true, mfa_enabled: false, email: null },
      guilds: [],
      session_id: sessionId,
      session_type: "normal",
      resume_gateway_url: gatewayUrl(),
      shard: [0, 1],
      application: { id: applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      user_settings: {},
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      auth: {},
    }),
  });
  const log = new CallLog<DiscordCall>();
  const callbackLog = new CallLog<InteractionCallbackRecord>();
  const originalEditLog = new CallLog<WebhookMessageRecord>();
  const failures: Failure[] = [];
  const attachments = new Map<string, { bytes: Buffer; contentType: string }>();

  function takeFailure(method: string, path: string): InjectedResponse | undefined {
    const failure = failures.find((candidate) => candidate.matches(method, path));
    if (failure === undefined) return undefined;
    failure.remaining -= 1;
    if (failure.remaining <= 0) failures.splice(failures.indexOf(failure), 1);
    return failure.response;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const raw = await readBody(req);
    const method = (req.method ?? "GET").toUpperCase();
    if (url.pathname.startsWith("/attachments/")) {
      const path = decodeURIComponent(url.pathname);
      const file = method === "GET" ? attachments.get(path) : undefined;
      const status = file === undefined ? 404 : 200;
      log.record({
        method,
        path,
        query: {},
        body: undefined,
        files: [],
        at: Date.now(),
        status,
        response: undefined,
      });
      if (file === undefined) sendJson(res, 404, { message: "404: Not Found", code: 0 });
      else {
        res.writeHead(200, { "content-type": file.contentType, "content-length": file.bytes.length });
        res.end(file.bytes);
      }
      return;
    }
    if (!url.pathname.startsWith("/api/v10/")) {
      sendJson(res, 404, { message: "404: Not Found", code: 0 });
      return;
    }
    const path = url.pathname
      .slice("/api/v10".length)
      .split("/")
      .map((segment) => decodeURIComponent(segment))
      .join("/");
    const { body, files } = await parseRequestBody(req.headers["content-type"] ?? "", raw);
    const injected = takeFailure(method, path);
    const answer: RestResponse =
      injected ??
      rest.handle({
        method,
        path,
        query: url.searchParams,
        body,
        files,
        authorization: req.headers.authorization,
      });
    log.record({
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      files,
      at: Date.now(),
      status: answer.status,
      response: answer.body,
    });
    syncViews();
    if (answer.status === 204 || answer.body === undefined) {
      sendNoContent(res);
      return;
    }
    sendJson(res, answer.status, answer.body, rateLimitHeaders(answer));
  }

  // The REST state owns the view arrays; the logs mirror them so tests can wait on them.
  let seenCallbacks = 0;
  let seenEdits = 0;
  function syncViews(): void {
    while (seenCallbacks < rest.interactionCallbacks.length) {
      callbackLog.record(rest.interactionCallbacks[seenCallbacks] as InteractionCallbackRecord);
      seenCallbacks += 1;
    }
    while (seenEdits < rest.originalEdits.length) {
      originalEditLog.record(rest.originalEdits[seenEdits] as WebhookMessageRecord);
      seenEdits += 1;
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: `500: ${String(error)}`, code: 0 });
    });
  });
  const sockets = new WebSocketServer({ server });
  gateway.attach(sockets);
  port = await listenOnLoopback(server);

  return {
    apiBase: `http://127.0.0.1:${port}/api`,
    gatewayUrl: gatewayUrl(),
    applicationId,
    botUser,
    calls: log.entries,
    waitForCall: (predicate, timeoutMs = 5000) =>
      log.waitFor(predicate, timeoutMs, "a matching Discord REST call"),
    interactionCallbacks: rest.interactionCallbacks,
    waitForInteractionCallback: (interactionId, timeoutMs = 5000) =>
      callbackLog.waitFor(
        (record) => interactionId === undefined || record.interactionId === interactionId,
        timeoutMs,
        `an interaction callback${interactionId === undefined ? "" : ` for ${interactionId}`}`,
      ),
    originalEdits: rest.originalEdits,
    waitForOriginalEdit: (token, timeoutMs = 5000) =>
      originalEditLog.waitFor(
        (record) => token === undefined || record.token === token,
        timeoutMs,
        "an edit of an interaction's original response",
      ),
    followUps: rest.followUps,
    originalMessage: (token) => rest.originalMessage(token),
    registeredCommands: (guildId) => rest.commands.list(guildId),
    channelMessages: (channelId) => rest.channelMessages(channelId),
    failNext(route, response, times = 1) {
      const pattern = typeof route.path === "string" ? pathPattern(route.path) : route.path;
      failures.push({
        matches: (method, path) =>
          (route.method === undefined || route.method.toUpperCase() === method) && pattern.test(path),
        response,
        remaining: times,
      });
    },
    dispatch: (eventName, data) => gateway.dispatch(eventName, data),
    dispatchInteraction(interaction) {
      rest.trackInteraction(interaction as Record<string, unknown>);
      return gateway.dispatch("INTERACTION_CREATE", interaction);
    },
    pressButton(input) {
      const buttons = buttonsOf(input.message);
      const button = buttons.find(
        (candidate) => input.customId === undefined || candidate.custom_id === input.customId,
      );
      if (button === undefined) {
        throw new Error(
          `The message has no button ${input.customId ?? ""} to press (it has ${buttons.length})`,
        );
      }
      const interaction = buttonInteraction({ ...input, applicationId, customId: button.custom_id });
      rest.trackInteraction(interaction as unknown as Record<string, unknown>);
      gateway.dispatch("INTERACTION_CREATE", interaction);
      return interaction;
    },
    waitForReady: (timeoutMs = 5000) => gateway.waitForReady(timeoutMs),
    disconnectAll: (code) => gateway.disconnectAll(code),
    identifies: gateway.identifies,
    get readyClientCount() {
      return gateway.readyClientCount;
    },
    get heartbeatCount() {
      return gateway.heartbeatCount;
    },
    attachmentOrigin: `http://127.0.0.1:${port}`,
    guilds: rest.guilds,
    hostAttachment(filename, content, contentType = "application/octet-stream") {
      const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
      const id = snowflake();
      // Discord's CDN path: /attachments/<channel>/<attachment>/<filename>.
      const path = `/attachments/${snowflake()}/${id}/${filename}`;
      attachments.set(path, { bytes, contentType });
      const url = `http://127.0.0.1:${port}${path.split("/").map(encodeURIComponent).join("/")}`;
      return { id, filename, size: bytes.length, url, proxy_url: url, content_type: contentType };
    },
    async close() {
      gateway.close();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await closeServer(server);
    },
  };
}

async function parseRequestBody(
  contentType: string,
  raw: Buffer,
): Promise<{ body: unknown; files: RecordedFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  if (contentType.startsWith("multipart/form-data")) {
    // discord.js sends the JSON part as payload_json and uploads as files[n].
    const fields = await parseMultipart(raw, contentType);
    const files = Object.entries(fields)
      .filter(([name]) => /^files\[\d+\]$/.test(name))
      .sort(([a], [b]) => Number(/\d+/.exec(a)?.[0]) - Number(/\d+/.exec(b)?.[0]))
      .map(([, value]) => value)
      .filter(isRecordedFile);
    const payload = fields.payload_json;
    return { body: typeof payload === "string" ? (JSON.parse(payload) as unknown) : undefined, files };
  }
  const text = raw.toString("utf8");
  try {
    return { body: JSON.parse(text) as unknown, files: [] };
  } catch {
    return { body: text, files: [] };
  }
}

function pathPattern(path: string): RegExp {
  const escaped = path
    .split("/")
    .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${escaped}$`);
}

/** Injected 429s carry the headers @discordjs/rest reads to wait before retrying. */
function rateLimitHeaders(answer: RestResponse): Record<string, string> {
  const headers = { ...answer.headers };
  if (answer.status === 429 && headers["retry-after"] === undefined) {
    const retryAfter = (answer.body as { retry_after?: number } | undefined)?.retry_after ?? 0.05;
    headers["retry-after"] = String(retryAfter);
    headers["x-ratelimit-scope"] ??= "user";
  }
  return headers;
}
