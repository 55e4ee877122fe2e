// "Is this user an administrator of this chat?", asked of Telegram and kept for a
// short while: promotions and demotions show up once the entry expires, or at once
// for a fresh question (which refreshes the entry). The cache is only a saving;
// every replica may ask Telegram on its own.
import type { AdminCheckOptions } from "@memebot/core";
import type { Telegram } from "telegraf";

const ADMIN_STATUSES = new Set(["creator", "administrator"]);

export interface AdminChecker {
  /** With `fresh`, Telegram is asked whatever the cache holds, and its answer replaces the entry. */
  isAdmin(chatId: number, userId: number, options?: AdminCheckOptions): Promise<boolean>;
}

export interface AdminCheckerOptions {
  telegram: Pick<Telegram, "getChatMember">;
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
}

export function createAdminChecker({
  telegram,
  ttlMs,
  maxEntries = 10_000,
  now = Date.now,
}: AdminCheckerOptions): AdminChecker {
  // The promise is cached, so concurrent commands of one user share one getChatMember call.
  const cache = new Map<string, { expires: number; admin: Promise<boolean> }>();

  return {
    isAdmin(chatId, userId, options = {}) {
      const key = `${chatId}:${userId}`;
      const hit = cache.get(key);
      if (hit && hit.expires > now() && !options.fresh) return hit.admin;
      if (hit) cache.delete(key);
      if (cache.size >= maxEntries) {
        // Maps iterate in insertion order: the first key is the oldest entry.
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      const admin = telegram
        .getChatMember(chatId, userId)
        .then((member) => ADMIN_STATUSES.has(member.status));
      cache.set(key, { expires: now() + ttlMs, admin });
      // A failed lookup is not an answer: the next command asks again.
      admin.catch(() => {
        if (cache.get(key)?.admin === admin) cache.delete(key);
      });
      return admin;
    },
  };
}
