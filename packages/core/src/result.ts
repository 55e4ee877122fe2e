// Expected failures are values, not exceptions (Sapphire's Result): a user's
// mistake carries a stable message id so its text is localised in one place.
import type { MessageId, MessageParams } from "./messages/index.ts";

export type Result<T, E = UserError> = { ok: true; value: T } | { ok: false; error: E };

export interface UserError {
  id: MessageId;
  params?: MessageParams;
}

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E = UserError>(error: E): Result<never, E> => ({ ok: false, error });
export const userError = (id: MessageId, params?: MessageParams): UserError =>
  params ? { id, params } : { id };
