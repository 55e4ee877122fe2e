import type { APIAttachment, APIMessage, APIUser } from "discord.js";
import type { RecordedFile } from "../shared/http.ts";
import { emptyMessage, invalidFormBody, type DiscordApiError } from "./errors.ts";
import { snowflake } from "./snowflake.ts";

/** Message bodies as clients send them (create/edit message, interaction responses, webhooks). */
export interface MessageBody {
  content?: string | null;
  embeds?: unknown[] | null;
  components?: unknown[] | null;
  attachments?: Array<{ id: string | number; filename?: string; description?: string }> | null;
  flags?: number | string | null;
  tts?: boolean;
  poll?: unknown;
  sticker_ids?: string[];
  message_reference?: { message_id?: string; channel_id?: string; fail_if_not_exists?: boolean } | null;
  allowed_mentions?: { parse?: string[]; users?: string[]; roles?: string[]; replied_user?: boolean } | null;
}

export const EPHEMERAL = 1 << 6;
export const LOADING = 1 << 7;
// Flags a client may set when sending: SUPPRESS_EMBEDS, EPHEMERAL, SUPPRESS_NOTIFICATIONS, IS_COMPONENTS_V2.
const SETTABLE_FLAGS = (1 << 2) | EPHEMERAL | (1 << 12) | (1 << 15);

export function flagsOf(body: MessageBody): number {
  const raw = Number(body.flags ?? 0);
  return Number.isFinite(raw) ? raw & SETTABLE_FLAGS : 0;
}

/** The checks Discord applies to a message body; returns the error Discord would answer. */
export function validateMessageBody(
  body: MessageBody,
  files: readonly RecordedFile[],
): DiscordApiError | undefined {
  if (body.content !== undefined && body.content !== null) {
    if (typeof body.content !== "string") {
      return invalidFormBody(["content"], "BASE_TYPE_STRING", "Could not interpret the value as string.");
    }
    if (body.content.length > 2000) {
      return invalidFormBody(["content"], "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.");
    }
  }
  if (Array.isArray(body.embeds) && body.embeds.length > 10) {
    return invalidFormBody(["embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.");
  }
  if (files.length > 10)
    return invalidFormBody(["files"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.");
  if (body.components !== undefined && body.components !== null) return validateComponents(body.components);
  return undefined;
}

/** Buttons and the custom_ids presses bring back; every button custom_id must be unique in a message. */
export function buttonsOf(
  message: Pick<APIMessage, "components">,
): Array<{ label?: string; custom_id: string; style: number }> {
  const buttons: Array<{ label?: string; custom_id: string; style: number }> = [];
  for (const row of (message.components ?? []) as unknown as Array<{ components?: unknown[] }>) {
    for (const component of row.components ?? []) {
      const button = component as { type?: number; custom_id?: string; label?: string; style?: number };
      if (button.type === 2 && typeof button.custom_id === "string") {
        buttons.push({
          custom_id: button.custom_id,
          style: button.style ?? 0,
          ...(button.label === undefined ? {} : { label: button.label }),
        });
      }
    }
  }
  return buttons;
}

/** Discord's rules for action rows of buttons (the only components the fake knows): the error it would answer. */
function validateComponents(components: unknown[]): DiscordApiError | undefined {
  if (!Array.isArray(components) || components.length > 5) {
    return invalidFormBody(["components"], "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.");
  }
  const seen = new Set<string>();
  for (const [rowIndex, row] of components.entries()) {
    const { type, components: children } = (row ?? {}) as { type?: unknown; components?: unknown };
    if (type !== 1) {
      return invalidFormBody(
        ["components", String(rowIndex), "type"],
        "UNION_TYPE_CHOICES",
        'Value of field "type" must be one of (1,).',
      );
    }
    if (!Array.isArray(children) || children.length === 0 || children.length > 5) {
      return invalidFormBody(
        ["components", String(rowIndex), "components"],
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 5 in length.",
      );
    }
    for (const [index, child] of children.entries()) {
      const path = ["components", String(rowIndex), "components", String(index)];
      const button = (child ?? {}) as {
        type?: unknown;
        style?: unknown;
        label?: unknown;
        custom_id?: unknown;
        url?: unknown;
      };
      if (button.type !== 2) continue;
      if (typeof button.style !== "number" || button.style < 1 || button.style > 6) {
        return invalidFormBody(
          [...path, "style"],
          "BASE_TYPE_CHOICES",
          "Value must be one of {1, 2, 3, 4, 5, 6}.",
        );
      }
      if (typeof button.label === "string" && button.label.length > 80) {
        return invalidFormBody([...path, "label"], "BASE_TYPE_MAX_LENGTH", "Must be 80 or fewer in length.");
      }
      if (button.style === 5) continue;
      if (
        typeof button.custom_id !== "string" ||
        button.custom_id.length < 1 ||
        button.custom_id.length > 100
      ) {
        return invalidFormBody(
          [...path, "custom_id"],
          "BASE_TYPE_BAD_LENGTH",
          "Must be between 1 and 100 in length.",
        );
      }
      if (seen.has(button.custom_id)) {
        return invalidFormBody(
          [...path, "custom_id"],
          "COMPONENT_CUSTOM_ID_DUPLICATED",
          "Component custom id cannot be duplicated",
        );
      }
      seen.add(button.custom_id);
    }
  }
  return undefined;
}

export function isEmptyMessage(
  message: Pick<APIMessage, "content" | "embeds" | "components" | "attachments"> & {
    poll?: unknown;
    sticker_items?: unknown[];
  },
): boolean {
  return (
    (message.content ?? "").length === 0 &&
    (message.embeds ?? []).length === 0 &&
    (message.components ?? []).length === 0 &&
    (message.attachments ?? []).length === 0 &&
    message.poll === undefined &&
    (message.sticker_items ?? []).length === 0
  );
}

function attachmentsFor(
  body: MessageBody,
  files: readonly RecordedFile[],
  kept: APIAttachment[],
): APIAttachment[] {
  const uploaded = files.map((file, index): APIAttachment => {
    const described = body.attachments?.find((entry) => String(entry.id) === String(index));
    const id = snowflake();
    const filename = described?.filename ?? file.filename;
    const attachment: APIAttachment = {
      id,
      filename,
      size: file.size,
      url: `https://cdn.discordapp.com/attachments/fake/${id}/${encodeURIComponent(filename)}`,
      proxy_url: `https://media.discordapp.net/attachments/fake/${id}/${encodeURIComponent(filename)}`,
    };
    if (file.contentType !== "") attachment.content_type = file.contentType;
    if (described?.description !== undefined) attachment.description = described.description;
    return attachment;
  });
  return [...kept, ...uploaded];
}

export interface NewMessage {
  channelId: string;
  author: APIUser;
  body: MessageBody;
  files: readonly RecordedFile[];
  /** MessageType: 0 default, 19 reply, 20 chat input command. */
  type: number;
  extraFlags?: number;
  guildId?: string;
  applicationId?: string;
  webhookId?: string;
  interactionMetadata?: APIMessage["interaction_metadata"];
}

export function createMessage(input: NewMessage): APIMessage {
  const message: APIMessage = {
    id: snowflake(),
    type: input.type,
    channel_id: input.channelId,
    author: input.author,
    content: input.body.content ?? "",
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: input.body.tts === true,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: attachmentsFor(input.body, input.files, []),
    embeds: (input.body.embeds ?? []) as APIMessage["embeds"],
    components: (input.body.components ?? []) as APIMessage["components"],
    pinned: false,
    flags: flagsOf(input.body) | (input.extraFlags ?? 0),
  };
  if (input.applicationId !== undefined) message.application_id = input.applicationId;
  if (input.webhookId !== undefined) message.webhook_id = input.webhookId;
  if (input.interactionMetadata !== undefined) message.interaction_metadata = input.interactionMetadata;
  const reference = input.body.message_reference;
  if (reference?.message_id !== undefined) {
    message.message_reference = { type: 0, message_id: reference.message_id, channel_id: input.channelId };
    if (input.guildId !== undefined) message.message_reference.guild_id = input.guildId;
  }
  if (input.body.poll !== undefined) (message as { poll?: unknown }).poll = input.body.poll;
  return message;
}

/** Applies a PATCH: given fields replace the old ones; `attachments` lists the uploads to keep. */
export function editMessage(
  existing: APIMessage,
  body: MessageBody,
  files: readonly RecordedFile[],
): APIMessage {
  const wasLoading = ((existing.flags ?? 0) & LOADING) !== 0;
  const kept =
    body.attachments === undefined || body.attachments === null
      ? existing.attachments
      : existing.attachments.filter((old) => body.attachments?.some((entry) => String(entry.id) === old.id));
  const edited: APIMessage = {
    ...existing,
    // Finishing a deferred ("thinking...") response is not an edit in Discord's eyes.
    edited_timestamp: wasLoading ? null : new Date().toISOString(),
    flags: (existing.flags ?? 0) & ~LOADING,
    attachments: attachmentsFor(body, files, kept),
  };
  if (body.content !== undefined) edited.content = body.content ?? "";
  if (body.embeds !== undefined) edited.embeds = (body.embeds ?? []) as APIMessage["embeds"];
  if (body.components !== undefined) edited.components = (body.components ?? []) as APIMessage["components"];
  if (body.flags !== undefined && body.flags !== null) {
    // Only SUPPRESS_EMBEDS may change on an edit; ephemerality is fixed at creation.
    const suppress = 1 << 2;
    edited.flags = ((edited.flags ?? 0) & ~suppress) | (Number(body.flags) & suppress);
  }
  return edited;
}

export function ensureNotEmpty(message: APIMessage): void {
  if (isEmptyMessage(message)) throw emptyMessage();
}
