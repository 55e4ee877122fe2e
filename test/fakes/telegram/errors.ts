/** Telegram's error answer: `{ ok: false, error_code, description, parameters? }`, with the same HTTP status. */
export interface BotApiErrorShape {
  error_code: number;
  description: string;
  retry_after?: number;
  migrate_to_chat_id?: number;
}

export class BotApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
  }

  static from(shape: BotApiErrorShape): BotApiError {
    const parameters: { retry_after?: number; migrate_to_chat_id?: number } = {};
    if (shape.retry_after !== undefined) parameters.retry_after = shape.retry_after;
    if (shape.migrate_to_chat_id !== undefined) parameters.migrate_to_chat_id = shape.migrate_to_chat_id;
    return new BotApiError(
      shape.error_code,
      shape.description,
      Object.keys(parameters).length > 0 ? parameters : undefined,
    );
  }

  toBody(): Record<string, unknown> {
    const body: Record<string, unknown> = {
      ok: false,
      error_code: this.errorCode,
      description: this.description,
    };
    if (this.parameters !== undefined) body.parameters = this.parameters;
    return body;
  }
}

export function badRequest(reason: string): BotApiError {
  return new BotApiError(400, `Bad Request: ${reason}`);
}
