// The template store on this run's PostgreSQL: the starters first, then the community's own; a
// starter's name cannot be taken; the community's own are cached a few seconds (what another replica
// changed shows once the entry expires, or at once when asked fresh).
import { randomUUID } from "node:crypto";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTemplateStore, type CommunityRef } from "@memebot/core";
import { createRepositories, type Database, type Repositories } from "@memebot/db";
import type { TemplateWithPicture } from "@memebot/render";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";

let database: Database;
let repositories: Repositories;
let picture: Uint8Array;
beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
  picture = new Uint8Array(
    await sharp({ create: { width: 100, height: 100, channels: 3, background: "#888" } })
      .jpeg()
      .toBuffer(),
  );
});
afterAll(() => database.close());

const newCommunity = (): CommunityRef => ({
  platform: "discord",
  externalId: `guild-${randomUUID()}`,
  kind: "group",
});
const actor = { platform: "discord" as const, externalId: "admin-1" };
const boxes = [{ id: "top", label: "top", x: 0, y: 0, width: 100, height: 20, style: "outlined" as const }];
const template = (name: string): TemplateWithPicture => ({
  name,
  description: `${name} template`,
  tags: ["community"],
  layout: "classic",
  width: 100,
  height: 100,
  boxes,
  picture,
});

function store(now = () => 0) {
  let drawn = 0;
  const built = createTemplateStore({
    repository: repositories.memeTemplates,
    starters: async () => {
      drawn += 1;
      return [template("gm"), template("stonks")];
    },
    ttlMs: 5_000,
    now,
  });
  return { store: built, drawnTimes: () => drawn };
}

describe("template store", () => {
  it("lists the starters, then the community's own by name, with pictures; draws the starters once", async () => {
    const { store: templates, drawnTimes } = store();
    const community = newCommunity();
    expect((await templates.add(community, actor, template("zeta"))).ok).toBe(true);
    expect((await templates.add(community, actor, template("alpha"))).ok).toBe(true);

    const list = await templates.forCommunity(community);
    expect(list.map((entry) => [entry.name, entry.source])).toEqual([
      ["gm", "starter"],
      ["stonks", "starter"],
      ["alpha", "community"],
      ["zeta", "community"],
    ]);
    expect(Buffer.from(list[2]?.picture ?? []).equals(picture)).toBe(true);
    expect(list[2]).toMatchObject({ layout: "classic", width: 100, height: 100, boxes, tags: ["community"] });
    expect((await templates.get(community, "stonks"))?.source).toBe("starter");
    expect((await templates.get(community, "alpha"))?.source).toBe("community");
    expect(await templates.get(community, "nope")).toBeUndefined();
    expect(drawnTimes()).toBe(1);
  });

  it("refuses a starter's name, a taken name, and removes only the community's own", async () => {
    const { store: templates } = store();
    const community = newCommunity();
    expect(await templates.add(community, actor, template("gm"))).toEqual({
      ok: false,
      error: { reason: "starter" },
    });
    expect(await templates.isStarter("gm")).toBe(true);
    expect(await templates.isStarter("mine")).toBe(false);
    await templates.add(community, actor, template("mine"));
    expect(await templates.add(community, actor, template("mine"))).toEqual({
      ok: false,
      error: { reason: "exists" },
    });
    expect(await templates.remove(community, "gm")).toBe(false);
    expect(await templates.remove(community, "mine")).toBe(true);
    expect((await templates.forCommunity(community)).map((entry) => entry.name)).toEqual(["gm", "stonks"]);
  });

  it("caches the community's own for a few seconds; `fresh` reads them now", async () => {
    let clock = 0;
    const { store: mine } = store(() => clock);
    const { store: otherReplica } = store(() => clock);
    const community = newCommunity();
    expect(await mine.forCommunity(community)).toHaveLength(2);

    await otherReplica.add(community, actor, template("elsewhere"));
    // Cached: the other replica's template is not seen yet…
    expect(await mine.forCommunity(community)).toHaveLength(2);
    // …unless asked fresh (what /template list does).
    expect(await mine.forCommunity(community, { fresh: true })).toHaveLength(3);

    await otherReplica.remove(community, "elsewhere");
    expect(await mine.forCommunity(community)).toHaveLength(3);
    clock = 6_000;
    // Stale while revalidating: the first read past the expiry answers from the cache and reloads.
    await mine.forCommunity(community);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await mine.forCommunity(community)).toHaveLength(2);
  });

  it("leaves out a stored row it cannot read instead of failing the whole list", async () => {
    const { store: templates } = store();
    const community = newCommunity();
    await repositories.memeTemplates.add({
      community,
      actor,
      ...template("odd"),
      layout: "sideways",
    });
    expect((await templates.forCommunity(community)).map((entry) => entry.name)).toEqual(["gm", "stonks"]);
  });
});
