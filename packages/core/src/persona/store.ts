// Every text task reads the community's persona, so it is cached per community for a few
// seconds, like the settings: a change made on another replica (or in the worker) is seen once
// the entry expires; the replica that made the change sees it at once.
import type { Actor, CommunityRef, Platform } from "../platform.ts";
import { createCommunityCache } from "../community-cache.ts";
import { err, ok, type Result } from "../result.ts";
import { DEFAULT_PERSONA, personaFromStored, type Persona, type PersonaProblems } from "./persona.ts";

export interface PersonaRepository {
  /** The stored persona JSON (validated by the caller), or null when the community has none. */
  findPersona(community: { platform: Platform; externalId: string }): Promise<unknown>;
  /**
   * Runs `edit` on the persona as stored (null when there is none) while the community is locked,
   * and stores what it returns; undefined stores nothing.
   */
  updatePersona(input: {
    community: CommunityRef;
    actor: Actor;
    edit: (stored: unknown) => Record<string, unknown> | undefined;
  }): Promise<void>;
  /** Forgets the community's persona; true when there was one. */
  deletePersona(community: CommunityRef): Promise<boolean>;
}

export interface PersonaStore {
  get(community: CommunityRef): Promise<Persona>;
  /** Replaces the whole persona (an import). */
  set(community: CommunityRef, actor: Actor, persona: Persona): Promise<void>;
  /**
   * Changes the persona as stored right now, not a cached copy: another admin's change a moment
   * ago (on any replica) is the starting point, not overwritten. `change` returning an error
   * stores nothing.
   */
  edit(
    community: CommunityRef,
    actor: Actor,
    change: (current: Persona) => Result<Persona, PersonaProblems>,
  ): Promise<Result<Persona, PersonaProblems>>;
  /**
   * Back to the default. The row is deleted rather than overwritten with today's default, so the
   * community follows the default as it improves; who reset it is in the command's run record.
   */
  reset(community: CommunityRef, actor: Actor): Promise<void>;
}

export interface PersonaStoreOptions {
  repository: PersonaRepository;
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export function createPersonaStore({
  repository,
  ttlMs = 5_000,
  maxEntries = 10_000,
  now = Date.now,
}: PersonaStoreOptions): PersonaStore {
  const cache = createCommunityCache({
    load: (community) =>
      repository
        .findPersona({ platform: community.platform, externalId: community.externalId })
        .then((stored) =>
          stored === null || stored === undefined ? DEFAULT_PERSONA : personaFromStored(stored),
        ),
    ttlMs,
    maxEntries,
    now,
  });

  return {
    get: (community) => cache.get(community),

    async set(community, actor, persona) {
      await repository.updatePersona({ community, actor, edit: () => ({ ...persona }) });
      cache.remember(community, Promise.resolve(persona));
    },

    async edit(community, actor, change) {
      let result: Result<Persona, PersonaProblems> | undefined;
      await repository.updatePersona({
        community,
        actor,
        edit(stored) {
          const current =
            stored === null || stored === undefined ? DEFAULT_PERSONA : personaFromStored(stored);
          result = change(current);
          return result.ok ? { ...result.value } : undefined;
        },
      });
      if (!result) throw new Error("persona edit did not run");
      if (result.ok) cache.remember(community, Promise.resolve(result.value));
      return result.ok ? ok(result.value) : err(result.error);
    },

    async reset(community) {
      await repository.deletePersona(community);
      cache.remember(community, Promise.resolve(DEFAULT_PERSONA));
    },
  };
}
