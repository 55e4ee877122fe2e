import type { APIMessage, APIUser } from "discord.js";
import type { RecordedFile } from "../shared/http.ts";
import { CommandStore } from "./commands.ts";
import {
  DiscordApiError,
  alreadyAcknowledged,
  invalidFormBody,
  methodNotAllowed,
  missingAccess,
  notFoundRoute,
  unauthorized,
  unknownInteraction,
  unknownMessage,
  unknownWebhook,
} from "./errors.ts";
import {
  EPHEMERAL,
  LOADING,
  createMessage,
  editMessage,
  ensureNotEmpty,
  flagsOf,
  validateMessageBody,
  type MessageBody,
} from "./messages.ts";
import { snowflake } from "./snowflake.ts";
import { FakeGuilds } from "./guilds.ts";

/**
 * The REST half of the fake: the routes discord.js and @discordjs/rest use for a slash-command
 * bot, with the state Discord keeps (commands, interaction responses, messages) and its errors.
 * Paths are relative to /api/v10 and already URL-decoded ("@original", not "%40original").
 */

export interface RestRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  files: RecordedFile[];
  authorization: string | undefined;
}

export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface InteractionCallbackRecord {
  interactionId: string;
  token: string;
  /** InteractionResponseType: 4 reply, 5 deferred reply, 6 deferred update, 7 update, 8 autocomplete, 9 modal. */
  type: number;
  data: Record<string, unknown> | undefined;
  withResponse: boolean;
  files: RecordedFile[];
  at: number;
}

export interface WebhookMessageRecord {
  applicationId: string;
  token: string;
  body: MessageBody;
  files: RecordedFile[];
  /** The message as it stands after this call. */
  message: APIMessage;
  at: number;
  /** A follow-up sent while the reply was still deferred edits the "thinking" message instead (Discord's rule). */
  editedDeferredOriginal?: boolean;
}

interface InteractionState {
  id: string;
  token: string;
  applicationId: string;
  interactionType: number;
  channelId: string;
  guildId: string | undefined;
  user: APIUser | undefined;
  commandName: string | undefined;
  receivedAt: number | undefined;
  responseType: number | undefined;
  original: APIMessage | undefined;
  followUps: Map<string, APIMessage>;
}

export interface RestApiOptions {
  applicationId: string;
  botUser: APIUser;
  gatewayUrl: () => string;
  token: string | undefined;
  ackDeadlineMs: number | undefined;
}

type Handler = (request: RestRequest, params: Record<string, string>) => RestResponse;

interface Route {
  method: string;
  segments: string[];
  /** Bot-token routes; interaction and webhook-token routes are called without Authorization. */
  auth: boolean;
  handle: Handler;
}

const CALLBACK_TYPES = new Set([1, 4, 5, 6, 7, 8, 9, 10, 12]);

const json = (status: number, body: unknown): RestResponse => ({ status, body });
const noContent = (): RestResponse => ({ status: 204 });

export class DiscordRestApi {
  readonly commands: CommandStore;
  /** Guilds' roles and members (token gates grant and remove roles). */
  readonly guilds: FakeGuilds;
  readonly interactionCallbacks: InteractionCallbackRecord[] = [];
  readonly originalEdits: WebhookMessageRecord[] = [];
  readonly followUps: WebhookMessageRecord[] = [];
  readonly #channelMessages = new Map<string, APIMessage[]>();
  readonly #interactionsById = new Map<string, InteractionState>();
  readonly #interactionsByToken = new Map<string, InteractionState>();
  readonly #routes: Route[];

  constructor(private readonly options: RestApiOptions) {
    this.commands = new CommandStore(options.applicationId);
    this.guilds = new FakeGuilds(options.botUser.id);
    const route = (method: string, path: string, auth: boolean, handle: Handler): Route => ({
      method,
      segments: path.split("/").filter(Boolean),
      auth,
      handle,
    });
    this.#routes = [
      route("GET", "/gateway", false, () => json(200, { url: this.options.gatewayUrl() })),
      route("GET", "/gateway/bot", true, () => json(200, this.#gatewayBot())),
      route("GET", "/users/@me", true, () => json(200, this.options.botUser)),
      route("GET", "/applications/@me", true, () => json(200, this.#application())),
      ...this.#commandRoutes("/applications/:app/commands"),
      ...this.#commandRoutes("/applications/:app/guilds/:guild/commands"),
      route("POST", "/interactions/:id/:token/callback", false, (req, p) => this.#callback(req, p)),
      route("POST", "/webhooks/:app/:token", false, (req, p) => this.#followUp(req, p)),
      route("GET", "/webhooks/:app/:token/messages/:message", false, (req, p) => this.#getWebhookMessage(p)),
      route("PATCH", "/webhooks/:app/:token/messages/:message", false, (req, p) =>
        this.#editWebhookMessage(req, p),
      ),
      route("DELETE", "/webhooks/:app/:token/messages/:message", false, (req, p) =>
        this.#deleteWebhookMessage(p),
      ),
      route("POST", "/channels/:channel/messages", true, (req, p) => this.#createChannelMessage(req, p)),
      // "typing…" for about 10 s; nothing to keep (tests read the call log).
      route("POST", "/channels/:channel/typing", true, () => noContent()),
      ...this.guilds
        .routes()
        .map((guildRoute) =>
          route(guildRoute.method, guildRoute.path, true, (req, p) => guildRoute.handle(p, req.query)),
        ),
    ];
  }

  handle(request: RestRequest): RestResponse {
    try {
      const segments = request.path.split("/").filter(Boolean);
      const matching = this.#routes
        .map((route) => ({ route, params: matchSegments(route.segments, segments) }))
        .filter((candidate) => candidate.params !== undefined);
      if (matching.length === 0) throw notFoundRoute();
      const found = matching.find((candidate) => candidate.route.method === request.method);
      if (found === undefined) throw methodNotAllowed();
      if (found.route.auth) this.#checkAuthorization(request.authorization);
      return found.route.handle(request, found.params as Record<string, string>);
    } catch (error) {
      if (error instanceof DiscordApiError) return json(error.status, error.body);
      throw error;
    }
  }

  /** Remembers an interaction Discord delivered, so its token and deadline are known. */
  trackInteraction(payload: Record<string, unknown>): void {
    const member = payload.member as { user?: APIUser } | undefined;
    const data = payload.data as { name?: string } | undefined;
    const channel = payload.channel as { id?: string } | undefined;
    const state: InteractionState = {
      id: String(payload.id),
      token: String(payload.token),
      applicationId: String(payload.application_id ?? this.options.applicationId),
      interactionType: Number(payload.type ?? 2),
      channelId: String(channel?.id ?? payload.channel_id ?? snowflake()),
      guildId: payload.guild_id === undefined ? undefined : String(payload.guild_id),
      user: member?.user ?? (payload.user as APIUser | undefined),
      commandName: data?.name,
      receivedAt: Date.now(),
      responseType: undefined,
      original: undefined,
      followUps: new Map(),
    };
    this.#interactionsById.set(state.id, state);
    this.#interactionsByToken.set(state.token, state);
  }

  channelMessages(channelId?: string): APIMessage[] {
    if (channelId !== undefined) return [...(this.#channelMessages.get(channelId) ?? [])];
    return [...this.#channelMessages.values()].flat();
  }

  /** The interaction's reply as it stands now (undefined before any reply or after deletion). */
  originalMessage(token: string): APIMessage | undefined {
    return this.#interactionsByToken.get(token)?.original;
  }

  #checkAuthorization(authorization: string | undefined): void {
    if (authorization === undefined || !/^Bot\s+\S+/.test(authorization)) throw unauthorized();
    if (this.options.token !== undefined && authorization !== `Bot ${this.options.token}`)
      throw unauthorized();
  }

  #gatewayBot() {
    return {
      url: this.options.gatewayUrl(),
      shards: 1,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
    };
  }

  #application() {
    return {
      id: this.options.applicationId,
      name: this.options.botUser.username,
      icon: null,
      description: "",
      summary: "",
      type: null,
      bot_public: true,
      bot_require_code_grant: false,
      verify_key: "0".repeat(64),
      flags: 0,
      bot: this.options.botUser,
      team: null,
      approximate_guild_count: 0,
      interactions_endpoint_url: null,
      redirect_uris: [],
      tags: [],
      integration_types_config: { 0: {} },
    };
  }

  #commandRoutes(base: string): Route[] {
    const scope = (params: Record<string, string>) => {
      if (params.app !== this.options.applicationId) throw missingAccess();
      return params.guild;
    };
    const one = `${base}/:command`;
    const make = (method: string, path: string, handle: Handler): Route => ({
      method,
      segments: path.split("/").filter(Boolean),
      auth: true,
      handle,
    });
    return [
      make("GET", base, (_req, p) => json(200, this.commands.list(scope(p)))),
      make("PUT", base, (req, p) => json(200, this.commands.bulkOverwrite(req.body, scope(p)))),
      make("POST", base, (req, p) => {
        const { command, created } = this.commands.upsert(req.body, scope(p));
        return json(created ? 201 : 200, command);
      }),
      make("GET", one, (_req, p) => json(200, this.commands.get(p.command as string, scope(p)))),
      make("PATCH", one, (req, p) => json(200, this.commands.edit(p.command as string, req.body, scope(p)))),
      make("DELETE", one, (_req, p) => {
        this.commands.delete(p.command as string, scope(p));
        return noContent();
      }),
    ];
  }

  #interactionForCallback(id: string, token: string): InteractionState {
    const known = this.#interactionsById.get(id);
    if (known !== undefined) {
      if (known.token !== token) throw unknownInteraction();
      return known;
    }
    // Interactions delivered outside the fake (HTTP endpoint tests) are accepted as Discord would.
    this.trackInteraction({ id, token, application_id: this.options.applicationId, type: 2 });
    const tracked = this.#interactionsById.get(id) as InteractionState;
    tracked.receivedAt = undefined;
    return tracked;
  }

  #callback(request: RestRequest, params: Record<string, string>): RestResponse {
    const interaction = this.#interactionForCallback(params.id as string, params.token as string);
    const deadline = this.options.ackDeadlineMs;
    if (
      deadline !== undefined &&
      interaction.receivedAt !== undefined &&
      Date.now() - interaction.receivedAt > deadline
    ) {
      throw unknownInteraction();
    }
    if (interaction.responseType !== undefined) throw alreadyAcknowledged();
    const body = (request.body ?? {}) as { type?: unknown; data?: Record<string, unknown> };
    const type = Number(body.type);
    if (!CALLBACK_TYPES.has(type)) {
      throw invalidFormBody(
        ["type"],
        "BASE_TYPE_CHOICES",
        "Value must be one of {1, 4, 5, 6, 7, 8, 9, 10, 12}.",
      );
    }
    // DEFERRED_UPDATE_MESSAGE and UPDATE_MESSAGE act on the message a component sits on: components only.
    if (
      (type === 6 || type === 7) &&
      interaction.interactionType !== 3 &&
      interaction.interactionType !== 5
    ) {
      throw invalidFormBody(
        ["type"],
        "INTERACTION_RESPONSE_TYPE_INVALID",
        "Invalid interaction response type",
      );
    }
    const data = body.data;
    if (type === 4 || type === 5) {
      const messageBody = (data ?? {}) as MessageBody;
      const invalid = validateMessageBody(messageBody, request.files);
      if (invalid !== undefined) throw invalid;
      const original = this.#interactionMessage(
        interaction,
        type === 5 ? { flags: messageBody.flags } : messageBody,
        request.files,
        type === 5 ? LOADING : 0,
      );
      if (type === 4) ensureNotEmpty(original);
      interaction.original = original;
    }
    interaction.responseType = type;
    const withResponse = request.query.get("with_response") === "true";
    this.interactionCallbacks.push({
      interactionId: interaction.id,
      token: interaction.token,
      type,
      data,
      withResponse,
      files: request.files,
      at: Date.now(),
    });
    if (!withResponse) return noContent();
    const resource: Record<string, unknown> = { type };
    if (type === 4 && interaction.original !== undefined) resource.message = interaction.original;
    return json(200, {
      interaction: {
        id: interaction.id,
        type: interaction.interactionType,
        response_message_id: interaction.original?.id,
        response_message_loading: type === 5,
        response_message_ephemeral: ((interaction.original?.flags ?? 0) & EPHEMERAL) !== 0,
      },
      resource,
    });
  }

  #interactionMessage(
    interaction: InteractionState,
    body: MessageBody,
    files: RecordedFile[],
    extraFlags: number,
  ): APIMessage {
    const message = createMessage({
      channelId: interaction.channelId,
      author: this.options.botUser,
      body,
      files,
      type: 20,
      extraFlags,
      applicationId: interaction.applicationId,
      webhookId: interaction.applicationId,
      ...(interaction.guildId === undefined ? {} : { guildId: interaction.guildId }),
      ...(interaction.user === undefined
        ? {}
        : {
            interactionMetadata: {
              id: interaction.id,
              type: interaction.interactionType,
              user: interaction.user,
              authorizing_integration_owners: { 0: interaction.guildId ?? "0" },
              ...(interaction.commandName === undefined ? {} : { name: interaction.commandName }),
            } as APIMessage["interaction_metadata"],
          }),
    });
    return message;
  }

  /** The interaction behind a webhook token; the token works only once the interaction was answered. */
  #webhookInteraction(params: Record<string, string>): InteractionState {
    const interaction = this.#interactionsByToken.get(params.token as string);
    if (interaction === undefined || interaction.applicationId !== params.app) throw unknownWebhook();
    if (interaction.responseType === undefined) throw unknownWebhook();
    return interaction;
  }

  #webhookMessage(interaction: InteractionState, messageId: string): APIMessage {
    const message = messageId === "@original" ? interaction.original : interaction.followUps.get(messageId);
    if (message === undefined) throw unknownMessage();
    return message;
  }

  #followUp(request: RestRequest, params: Record<string, string>): RestResponse {
    const interaction = this.#webhookInteraction(params);
    const body = (request.body ?? {}) as MessageBody;
    const invalid = validateMessageBody(body, request.files);
    if (invalid !== undefined) throw invalid;
    const record = {
      applicationId: interaction.applicationId,
      token: interaction.token,
      body,
      files: request.files,
    };
    let message: APIMessage;
    const original = interaction.original;
    if (original !== undefined && ((original.flags ?? 0) & LOADING) !== 0) {
      // Discord: a follow-up right after a deferred reply edits the loading message, keeping its ephemerality.
      message = editMessage(original, body, request.files);
      ensureNotEmpty(message);
      interaction.original = message;
      this.followUps.push({ ...record, message, at: Date.now(), editedDeferredOriginal: true });
    } else {
      message = this.#interactionMessage(interaction, body, request.files, 0);
      ensureNotEmpty(message);
      interaction.followUps.set(message.id, message);
      this.followUps.push({ ...record, message, at: Date.now() });
    }
    return request.query.get("wait") === "true" ? json(200, message) : noContent();
  }

  #getWebhookMessage(params: Record<string, string>): RestResponse {
    const interaction = this.#webhookInteraction(params);
    return json(200, this.#webhookMessage(interaction, params.message as string));
  }

  #editWebhookMessage(request: RestRequest, params: Record<string, string>): RestResponse {
    const interaction = this.#webhookInteraction(params);
    const messageId = params.message as string;
    const existing = this.#webhookMessage(interaction, messageId);
    const body = (request.body ?? {}) as MessageBody;
    const invalid = validateMessageBody(body, request.files);
    if (invalid !== undefined) throw invalid;
    const edited = editMessage(existing, body, request.files);
    ensureNotEmpty(edited);
    if (messageId === "@original") {
      interaction.original = edited;
      this.originalEdits.push({
        applicationId: interaction.applicationId,
        token: interaction.token,
        body,
        files: request.files,
        message: edited,
        at: Date.now(),
      });
    } else {
      interaction.followUps.set(messageId, edited);
    }
    return json(200, edited);
  }

  #deleteWebhookMessage(params: Record<string, string>): RestResponse {
    const interaction = this.#webhookInteraction(params);
    const messageId = params.message as string;
    this.#webhookMessage(interaction, messageId);
    if (messageId === "@original") interaction.original = undefined;
    else interaction.followUps.delete(messageId);
    return noContent();
  }

  #createChannelMessage(request: RestRequest, params: Record<string, string>): RestResponse {
    const channelId = params.channel as string;
    const body = (request.body ?? {}) as MessageBody;
    const invalid = validateMessageBody(body, request.files);
    if (invalid !== undefined) throw invalid;
    if ((flagsOf(body) & EPHEMERAL) !== 0) {
      throw invalidFormBody(["flags"], "MESSAGE_FLAGS_INVALID", "Invalid flags");
    }
    const message = createMessage({
      channelId,
      author: this.options.botUser,
      body,
      files: request.files,
      type: body.message_reference?.message_id === undefined ? 0 : 19,
    });
    ensureNotEmpty(message);
    const list = this.#channelMessages.get(channelId) ?? [];
    list.push(message);
    this.#channelMessages.set(channelId, list);
    return json(200, message);
  }
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const value = actual[index] as string;
    if (part.startsWith(":")) params[part.slice(1)] = value;
    else if (part !== value) return undefined;
  }
  return params;
}
