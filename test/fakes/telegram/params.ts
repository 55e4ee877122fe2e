import type { IncomingMessage } from "node:http";
import { parseMultipart, readBody } from "../shared/http.ts";
import { badRequest } from "./errors.ts";

export type Encoding = "json" | "multipart" | "urlencoded" | "query";

// In multipart and urlencoded bodies every field is a string; Telegram reads them by the
// method's schema. The fake converts the fields it knows, so recorded params look the same
// whichever encoding the client chose.
const INTEGER_FIELDS = new Set([
  "chat_id",
  "from_chat_id",
  "message_id",
  "message_thread_id",
  "reply_to_message_id",
  "user_id",
  "offset",
  "limit",
  "timeout",
  "max_connections",
  "cache_time",
  "until_date",
  "expire_date",
  "member_limit",
]);
const BOOLEAN_FIELDS = new Set([
  "disable_notification",
  "protect_content",
  "has_spoiler",
  "show_caption_above_media",
  "allow_sending_without_reply",
  "disable_web_page_preview",
  "drop_pending_updates",
  "show_alert",
  "only_if_banned",
  "revoke_messages",
  "creates_join_request",
]);
const JSON_FIELDS = new Set([
  "reply_markup",
  "entities",
  "caption_entities",
  "reply_parameters",
  "link_preview_options",
  "allowed_updates",
  "commands",
  "scope",
  "media",
  "results",
]);

function normalizeField(name: string, value: string): unknown {
  if (INTEGER_FIELDS.has(name) && /^-?\d+$/.test(value)) return Number(value);
  if (BOOLEAN_FIELDS.has(name) && (value === "true" || value === "false")) return value === "true";
  if (JSON_FIELDS.has(name) && (value.startsWith("{") || value.startsWith("["))) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw badRequest(`can't parse ${name} JSON object`);
    }
  }
  return value;
}

export function normalizeFields(fields: Iterable<[string, unknown]>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [name, value] of fields) {
    params[name] = typeof value === "string" ? normalizeField(name, value) : value;
  }
  return params;
}

export async function readParams(
  req: IncomingMessage,
  query: URLSearchParams,
): Promise<{ params: Record<string, unknown>; encoding: Encoding }> {
  const contentType = req.headers["content-type"] ?? "";
  const body = await readBody(req);
  const fromQuery = normalizeFields(query.entries());
  if (body.length === 0) return { params: fromQuery, encoding: "query" };
  if (contentType.startsWith("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw badRequest("can't parse JSON encoded request body");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw badRequest("request body must be a JSON object");
    }
    return { params: { ...fromQuery, ...(parsed as Record<string, unknown>) }, encoding: "json" };
  }
  if (contentType.startsWith("multipart/form-data")) {
    const fields = await parseMultipart(body, contentType);
    // telegraf repeats the method name as a form field; Telegram takes it from the URL.
    delete fields.method;
    return { params: { ...fromQuery, ...normalizeFields(Object.entries(fields)) }, encoding: "multipart" };
  }
  const form = new URLSearchParams(body.toString("utf8"));
  return { params: { ...fromQuery, ...normalizeFields(form.entries()) }, encoding: "urlencoded" };
}
