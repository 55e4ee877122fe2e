// Recognises raids and spam: the same text posted again and again in one community. In-process
// (a bounded map in insertion order, oldest evicted first) rather than in Redis: every message of a
// community reaches the one bot process that holds its platform connection (Telegram's polling or
// webhook, Discord's gateway shard), and a Redis check would cost the round trip per message that
// ingest exists to avoid. Across replicas behind one webhook a copy may slip through on each; the
// stored content hash lets the scorer count such copies once.
import { hash } from "node:crypto";

export interface RaidFilterOptions {
  /** How long a text is remembered: copies within it are judged together. */
  windowMs?: number;
  /** Copies of one text kept per window (from different authors); later ones are a raid. */
  copiesKept?: number;
  /**
   * Texts remembered at most, over all communities (a few hundred bytes each: about 5 MB, within the
   * bot's small heap). Past it the oldest go first, so under a flood the window only shortens.
   */
  maxEntries?: number;
  now?: () => number;
}

export const DEFAULT_RAID_WINDOW_MS = 10 * 60_000;
export const DEFAULT_RAID_COPIES_KEPT = 2;

export type RaidVerdict = { keep: true; contentHash: string } | { keep: false; reason: "repeat" | "raid" };

/** The text as raids vary it: case, spacing, punctuation and emoji do not make a new message. */
export const normalizeForHash = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}$]+/gu, " ")
    .trim();

// One-shot hash(): the same digest as createHash's chain at about a fifth of its CPU (it runs per message).
export const contentHashOf = (text: string): string =>
  hash("sha256", normalizeForHash(text), "base64url").slice(0, 22);

export function createRaidFilter(options: RaidFilterOptions = {}) {
  const windowMs = options.windowMs ?? DEFAULT_RAID_WINDOW_MS;
  const copiesKept = options.copiesKept ?? DEFAULT_RAID_COPIES_KEPT;
  const maxEntries = options.maxEntries ?? 20_000;
  const now = options.now ?? Date.now;
  const seen = new Map<string, { firstAt: number; authors: string[]; copies: number }>();

  return {
    /** Whether to keep a message; remembers it either way. */
    check(communityKey: string, authorId: string, text: string): RaidVerdict {
      const contentHash = contentHashOf(text);
      const key = `${communityKey}\n${contentHash}`;
      const at = now();
      const entry = seen.get(key);
      if (entry && at - entry.firstAt < windowMs) {
        entry.copies++;
        // The same author again: spam, whatever the count.
        if (entry.authors.includes(authorId)) return { keep: false, reason: "repeat" };
        if (entry.authors.length >= copiesKept) return { keep: false, reason: "raid" };
        entry.authors.push(authorId);
        return { keep: true, contentHash };
      }
      seen.delete(key);
      if (seen.size >= maxEntries) {
        const oldest = seen.keys().next().value;
        if (oldest !== undefined) seen.delete(oldest);
      }
      seen.set(key, { firstAt: at, authors: [authorId], copies: 1 });
      return { keep: true, contentHash };
    },
    size: () => seen.size,
  };
}

export type RaidFilter = ReturnType<typeof createRaidFilter>;
