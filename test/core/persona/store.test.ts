import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import {
  createPersonaStore,
  DEFAULT_PERSONA,
  parsePersona,
  type Actor,
  type CommunityRef,
  type Persona,
} from "@memebot/core";
import { createRepositories, openDatabase, type Database } from "@memebot/db";
import { openTestDatabase, repositoryOptions } from "../../support/database.ts";
import { startDatabaseProxy } from "../../support/tcp-proxy.ts";

let database: Database;
let repositories: ReturnType<typeof createRepositories>;
beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
});
afterAll(() => database.close());

const newCommunity = (): CommunityRef => ({ platform: "telegram", externalId: randomUUID(), kind: "group" });
const admin: Actor = { platform: "telegram", externalId: "admin-1" };
const pepe: Persona = { ...DEFAULT_PERSONA, name: "Pepe" };

/** One replica's store (its own cache) on the shared PostgreSQL, with a clock the test moves. */
function replica(clock: { now: number }, ttlMs = 5_000) {
  return createPersonaStore({ repository: repositories.personas, ttlMs, now: () => clock.now });
}

describe("persona store", () => {
  it("GIVEN a community without a persona THEN gives the default", async () => {
    expect(await replica({ now: 0 }).get(newCommunity())).toEqual(DEFAULT_PERSONA);
  });

  it("GIVEN a persona set on one replica THEN that replica sees it at once and the other after the cache time", async () => {
    const clock = { now: 1_000 };
    const [bot, worker] = [replica(clock), replica(clock)];
    const community = newCommunity();
    expect((await worker.get(community)).name).toBe(DEFAULT_PERSONA.name);

    await bot.set(community, admin, pepe);

    expect((await bot.get(community)).name).toBe("Pepe");
    // Within the cache time the worker still answers from its copy, without asking the database.
    clock.now += 4_000;
    expect((await worker.get(community)).name).toBe(DEFAULT_PERSONA.name);
    // Past it, the stale copy is served once while the fresh one loads, then the fresh one.
    clock.now += 2_000;
    await worker.get(community);
    await expect.poll(async () => (await worker.get(community)).name).toBe("Pepe");
  });

  it("GIVEN edits on two replicas at once THEN each starts from the stored persona and both are kept", async () => {
    const clock = { now: 0 };
    const [first, second] = [replica(clock), replica(clock)];
    const community = newCommunity();
    // Both replicas hold the default in their caches, as after members' commands.
    await Promise.all([first.get(community), second.get(community)]);

    const [bio, style] = await Promise.all([
      first.edit(community, admin, (current) => parsePersona({ ...current, bio: "a frog" })),
      second.edit(community, admin, (current) => parsePersona({ ...current, style: "dry" })),
    ]);

    expect(bio.ok && style.ok).toBe(true);
    const stored = await replica({ now: 0 }).get(community);
    expect(stored).toMatchObject({ bio: "a frog", style: "dry" });
  });

  it("GIVEN an edit that is refused THEN stores nothing and returns the problems", async () => {
    const store = replica({ now: 0 });
    const community = newCommunity();
    await store.set(community, admin, pepe);

    const result = await store.edit(community, admin, (current) => parsePersona({ ...current, name: "" }));

    expect(result).toMatchObject({
      ok: false,
      error: [{ id: "persona.error.empty", params: { field: "name" } }],
    });
    expect((await replica({ now: 0 }).get(community)).name).toBe("Pepe");
  });

  it("GIVEN a reset THEN the row is gone and every replica falls back to the default", async () => {
    const clock = { now: 0 };
    const store = replica(clock);
    const community = newCommunity();
    await store.set(community, admin, pepe);

    await store.reset(community, admin);

    expect(await store.get(community)).toEqual(DEFAULT_PERSONA);
    expect(await repositories.personas.findPersona(community)).toBeNull();
    expect(await replica({ now: 0 }).get(community)).toEqual(DEFAULT_PERSONA);
  });

  it("GIVEN the database fails a read THEN the failure is not cached and the next read succeeds", async () => {
    const proxy = await startDatabaseProxy();
    onTestFinished(() => proxy.close());
    const behindProxy = await openDatabase({ databaseUrl: proxy.url, dataDir: tmpdir() });
    onTestFinished(() => behindProxy.close());
    const store = createPersonaStore({
      repository: createRepositories(behindProxy.prisma, repositoryOptions).personas,
      now: () => 0,
    });
    const community = newCommunity();
    await replica({ now: 0 }).set(community, admin, pepe);

    proxy.cut();
    await expect(store.get(community)).rejects.toThrow();
    proxy.restore();

    expect((await store.get(community)).name).toBe("Pepe");
  });
});
