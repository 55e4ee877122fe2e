import type { Update } from "telegraf/types";
import { BotApiError } from "./errors.ts";

/**
 * The server side of getUpdates: a queue of pending updates with Telegram's long-poll rules.
 * - an update stays pending until a later getUpdates asks for an offset above its id (confirmation);
 * - an empty poll is held until an update arrives or the poll's timeout ends — answering it
 *   instantly would make telegraf spin;
 * - a second getUpdates ends the held one with 409 Conflict, as Telegram does when two bot
 *   instances poll the same token.
 */

export interface PollRequest {
  offset: number;
  limit: number;
  /** How long the client allowed the poll to be held, in ms (already capped by the fake). */
  holdMs: number;
  allowedUpdates: string[] | undefined;
}

interface HeldPoll {
  request: PollRequest;
  resolve: (updates: Update[]) => void;
  reject: (error: BotApiError) => void;
  timer: NodeJS.Timeout;
}

// Telegram's default when allowed_updates is empty or never given.
const OFF_BY_DEFAULT = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

function updateKind(update: Update): string {
  for (const key in update) {
    if (key !== "update_id") return key;
  }
  return "unknown";
}

export class UpdateQueue {
  #pending: Update[] = [];
  #head = 0;
  #held: HeldPoll | undefined;
  #wakeScheduled = false;
  #allowed: Set<string> | undefined;
  #confirmedOffset = 0;
  #drainedWaiters: Array<() => void> = [];
  pushedCount = 0;
  confirmedCount = 0;

  get pendingCount(): number {
    return this.#pending.length - this.#head;
  }

  push(updates: readonly Update[]): void {
    for (const update of updates) {
      if (update.update_id < this.#confirmedOffset) {
        throw new Error(
          `Update ${update.update_id} is below the offset ${this.#confirmedOffset} the bot already confirmed; ` +
            "Telegram never sends such an update (let the fake or the builders number updates)",
        );
      }
    }
    for (const update of updates) {
      const last = this.#pending[this.#pending.length - 1];
      if (last === undefined || this.#head === this.#pending.length || last.update_id < update.update_id) {
        this.#pending.push(update);
      } else {
        this.#insertInOrder(update);
      }
    }
    this.pushedCount += updates.length;
    this.#scheduleWake();
  }

  poll(request: PollRequest): { result: Promise<Update[]>; abandon: () => void } {
    if (this.#held !== undefined) {
      const previous = this.#held;
      this.#held = undefined;
      clearTimeout(previous.timer);
      previous.reject(
        new BotApiError(
          409,
          "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
        ),
      );
    }
    if (request.allowedUpdates !== undefined) {
      this.#allowed = request.allowedUpdates.length > 0 ? new Set(request.allowedUpdates) : undefined;
    }
    this.#confirmBelow(request.offset);
    const ready = this.#collect(request.limit);
    if (ready.length > 0 || request.holdMs <= 0) {
      return { result: Promise.resolve(ready), abandon: () => {} };
    }
    let held: HeldPoll | undefined;
    const result = new Promise<Update[]>((resolve, reject) => {
      held = {
        request,
        resolve,
        reject,
        timer: setTimeout(() => {
          if (this.#held === held) this.#held = undefined;
          resolve([]);
        }, request.holdMs),
      };
      this.#held = held;
    });
    const abandon = () => {
      if (held === undefined || this.#held !== held) return;
      clearTimeout(held.timer);
      this.#held = undefined;
    };
    return { result, abandon };
  }

  /** Resolves once every queued update has been confirmed by a later getUpdates offset. */
  waitUntilDrained(timeoutMs: number): Promise<void> {
    if (this.pendingCount === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#drainedWaiters = this.#drainedWaiters.filter((waiter) => waiter !== done);
        reject(new Error(`Timed out after ${timeoutMs} ms: ${this.pendingCount} updates still unconfirmed`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#drainedWaiters.push(done);
    });
  }

  /** Drops every pending update (deleteWebhook with drop_pending_updates). */
  dropAll(): void {
    this.confirmedCount += this.pendingCount;
    this.#pending = [];
    this.#head = 0;
    this.#notifyIfDrained();
  }

  /** Ends a held poll with an empty answer (server shutdown). */
  releaseHeld(): void {
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    clearTimeout(held.timer);
    held.resolve([]);
  }

  #confirmBelow(offset: number): void {
    if (offset < 0) {
      // A negative offset keeps only the last |offset| updates and forgets the rest.
      const keep = -offset;
      const forget = Math.max(0, this.pendingCount - keep);
      this.#head += forget;
      this.confirmedCount += forget;
    } else if (offset > 0) {
      if (offset > this.#confirmedOffset) this.#confirmedOffset = offset;
      const pending = this.#pending;
      let head = this.#head;
      while (head < pending.length && (pending[head] as Update).update_id < offset) head += 1;
      this.confirmedCount += head - this.#head;
      this.#head = head;
    }
    this.#compact();
    this.#notifyIfDrained();
  }

  #collect(limit: number): Update[] {
    const allowed = this.#allowed;
    const end = Math.min(this.#pending.length, this.#head + limit);
    if (allowed === undefined && !this.#hasDefaultOffKinds(end)) {
      return this.#pending.slice(this.#head, end);
    }
    // Updates the bot did not subscribe to are never delivered; Telegram does not even keep them.
    const kept: Update[] = [];
    for (let index = this.#head; index < this.#pending.length; index += 1) {
      const update = this.#pending[index] as Update;
      const kind = updateKind(update);
      const isAllowed = allowed === undefined ? !OFF_BY_DEFAULT.has(kind) : allowed.has(kind);
      if (isAllowed) kept.push(update);
      else this.confirmedCount += 1;
    }
    this.#pending = kept;
    this.#head = 0;
    this.#notifyIfDrained();
    return kept.slice(0, limit);
  }

  #hasDefaultOffKinds(end: number): boolean {
    for (let index = this.#head; index < end; index += 1) {
      if (OFF_BY_DEFAULT.has(updateKind(this.#pending[index] as Update))) return true;
    }
    return false;
  }

  #scheduleWake(): void {
    if (this.#held === undefined || this.#wakeScheduled) return;
    // Deferred so that updates pushed in one synchronous burst reach the bot as one batch.
    this.#wakeScheduled = true;
    setImmediate(() => {
      this.#wakeScheduled = false;
      const held = this.#held;
      if (held === undefined) return;
      const ready = this.#collect(held.request.limit);
      if (ready.length === 0) return;
      this.#held = undefined;
      clearTimeout(held.timer);
      held.resolve(ready);
    });
  }

  #insertInOrder(update: Update): void {
    let low = this.#head;
    let high = this.#pending.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#pending[middle] as Update).update_id < update.update_id) low = middle + 1;
      else high = middle;
    }
    this.#pending.splice(low, 0, update);
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#pending.length) {
      this.#pending = this.#pending.slice(this.#head);
      this.#head = 0;
    }
  }

  #notifyIfDrained(): void {
    if (this.pendingCount !== 0 || this.#drainedWaiters.length === 0) return;
    const waiters = this.#drainedWaiters;
    this.#drainedWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
