/** Discord's JSON error bodies, with the HTTP status they come with. */
export class DiscordApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { message: string; code: number; errors?: unknown },
  ) {
    super(body.message);
  }
}

export const notFoundRoute = () => new DiscordApiError(404, { message: "404: Not Found", code: 0 });
export const methodNotAllowed = () =>
  new DiscordApiError(405, { message: "405: Method Not Allowed", code: 0 });
export const unauthorized = () => new DiscordApiError(401, { message: "401: Unauthorized", code: 0 });
export const missingAccess = () => new DiscordApiError(403, { message: "Missing Access", code: 50001 });
export const unknownWebhook = () => new DiscordApiError(404, { message: "Unknown Webhook", code: 10015 });
export const unknownMessage = () => new DiscordApiError(404, { message: "Unknown Message", code: 10008 });
export const unknownInteraction = () =>
  new DiscordApiError(404, { message: "Unknown interaction", code: 10062 });
export const unknownCommand = () =>
  new DiscordApiError(404, { message: "Unknown application command", code: 10063 });
export const alreadyAcknowledged = () =>
  new DiscordApiError(400, { message: "Interaction has already been acknowledged.", code: 40060 });
export const emptyMessage = () =>
  new DiscordApiError(400, { message: "Cannot send an empty message", code: 50006 });

/**
 * "Invalid Form Body" (50035): `errors` mirrors the request's shape down to the bad field,
 * e.g. `{ content: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "..." }] } }`.
 */
export function invalidFormBody(
  path: Array<string | number>,
  code: string,
  message: string,
): DiscordApiError {
  let errors: Record<string, unknown> = { _errors: [{ code, message }] };
  for (const key of [...path].reverse()) errors = { [String(key)]: errors };
  return new DiscordApiError(400, { message: "Invalid Form Body", code: 50035, errors });
}
