// The templates a community can make memes on: the starters every community has (drawn by
// @memebot/render, handed in by the worker) and the ones its admins added (PostgreSQL). The
// community's own are cached for a few seconds like settings and personas, pictures included: a
// meme job needs them, and the cache holds few communities (a community's pictures are 10 MB at
// most, a few hundred KB each in practice).
import type { MemeLayout, TemplateWithPicture, TextBox } from "@memebot/render";
import { createCommunityCache } from "../community-cache.ts";
import type { Actor, CommunityRef } from "../platform.ts";
import { err, ok, type Result } from "../result.ts";

/** A stored template as the repository gives it (validated here: rows are our own writes). */
export interface StoredTemplate {
  name: string;
  description: string;
  tags: readonly string[];
  layout: string;
  width: number;
  height: number;
  boxes: unknown;
}

export type TemplateAddRefusal =
  | { ok: false; reason: "exists" }
  | { ok: false; reason: "too_many"; limit: number }
  | { ok: false; reason: "too_large"; limitBytes: number; usedBytes: number };

/** What the store needs of @memebot/db's MemeTemplatesRepository. */
export interface TemplateRepository {
  add(input: {
    community: CommunityRef;
    actor: Actor;
    name: string;
    description: string;
    tags: readonly string[];
    layout: string;
    width: number;
    height: number;
    boxes: unknown;
    picture: Uint8Array;
  }): Promise<{ ok: true } | TemplateAddRefusal>;
  list(community: CommunityRef): Promise<StoredTemplate[]>;
  list(
    community: CommunityRef,
    options: { pictures: true },
  ): Promise<(StoredTemplate & { picture: Uint8Array })[]>;
  get(community: CommunityRef, name: string): Promise<(StoredTemplate & { picture: Uint8Array }) | null>;
  remove(community: CommunityRef, name: string): Promise<boolean>;
}

/** Where a template comes from: every community's starters, or this community's own. */
export type TemplateSource = "starter" | "community";

export interface TemplateEntry extends TemplateWithPicture {
  source: TemplateSource;
}

export type TemplateAddProblem =
  | { reason: "starter" }
  | { reason: "exists" }
  | { reason: "too_many"; limit: number }
  | { reason: "too_large"; limitBytes: number; usedBytes: number };

export interface TemplateStore {
  /**
   * The starters, then the community's own by name, with their pictures (the studio renders from
   * them). Cached a few seconds; `fresh` reads the community's own from the database now.
   */
  forCommunity(community: CommunityRef, options?: { fresh?: boolean }): Promise<readonly TemplateEntry[]>;
  /** One template, a starter's or the community's own; undefined when there is none. */
  get(community: CommunityRef, name: string): Promise<TemplateEntry | undefined>;
  /** Stores the community's own template; a starter's name, a taken name or the cap refuse it. */
  add(
    community: CommunityRef,
    actor: Actor,
    template: TemplateWithPicture,
  ): Promise<Result<TemplateEntry, TemplateAddProblem>>;
  /** Removes the community's own template; false when it has none of that name (starters stay). */
  remove(community: CommunityRef, name: string): Promise<boolean>;
  /** True for a starter's name: a community's own template may not shadow it. */
  isStarter(name: string): Promise<boolean>;
}

export interface TemplateStoreOptions {
  repository: TemplateRepository;
  /** The starter templates (the worker draws them with @memebot/render once). */
  starters: () => Promise<readonly TemplateWithPicture[]> | readonly TemplateWithPicture[];
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

const LAYOUTS: readonly string[] = ["classic", "caption-bar", "panels"] satisfies readonly MemeLayout[];

/** A stored row as a template; a row this code cannot read (hand-edited, older shape) is left out. */
function entryOf(row: StoredTemplate & { picture: Uint8Array }): TemplateEntry | undefined {
  if (!LAYOUTS.includes(row.layout) || !Array.isArray(row.boxes)) return undefined;
  return {
    name: row.name,
    description: row.description,
    tags: [...row.tags],
    layout: row.layout as MemeLayout,
    width: row.width,
    height: row.height,
    boxes: row.boxes as TextBox[],
    picture: row.picture,
    source: "community",
  };
}

export function createTemplateStore({
  repository,
  starters: loadStarters,
  ttlMs = 5_000,
  maxEntries = 32,
  now = Date.now,
}: TemplateStoreOptions): TemplateStore {
  let starters: Promise<readonly TemplateEntry[]> | undefined;
  const startersOnce = () => {
    starters ??= Promise.resolve(loadStarters()).then((list) =>
      list.map((starter) => ({ ...starter, source: "starter" as const })),
    );
    // A failed drawing is tried again next time rather than remembered.
    starters.catch(() => (starters = undefined));
    return starters;
  };
  const starterNamed = async (name: string) =>
    (await startersOnce()).find((starter) => starter.name === name);

  const reload = async (community: CommunityRef): Promise<readonly TemplateEntry[]> =>
    (await repository.list(community, { pictures: true })).flatMap((row) => entryOf(row) ?? []);
  const own = createCommunityCache({ load: reload, ttlMs, maxEntries, now });

  const forCommunity: TemplateStore["forCommunity"] = async (community, options) => {
    let mine: Promise<readonly TemplateEntry[]>;
    if (options?.fresh) {
      mine = reload(community);
      own.remember(community, mine);
    } else {
      mine = own.get(community);
    }
    const [builtIn, stored] = await Promise.all([startersOnce(), mine]);
    return [...builtIn, ...stored];
  };

  return {
    forCommunity,

    async get(community, name) {
      return (await forCommunity(community)).find((template) => template.name === name);
    },

    async add(community, actor, template) {
      if (await starterNamed(template.name)) return err({ reason: "starter" });
      const { name, description, tags, layout, width, height, boxes, picture } = template;
      const fields = { name, description, tags, layout, width, height, boxes, picture };
      const stored = await repository.add({ community, actor, ...fields });
      if (!stored.ok) {
        const { ok: _ok, ...problem } = stored;
        return err(problem);
      }
      // Read again rather than patched: the list stays in the database's order.
      own.remember(community, reload(community));
      return ok({ ...fields, source: "community" });
    },

    async remove(community, name) {
      const removed = await repository.remove(community, name);
      if (removed) own.remember(community, reload(community));
      return removed;
    },

    isStarter: async (name) => (await starterNamed(name)) !== undefined,
  };
}
