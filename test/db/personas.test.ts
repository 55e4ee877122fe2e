import { randomUUID } from "node:crypto";
import { createRepositories, type CommunityKey, type Database, type IdentityKey } from "@memebot/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";

// Other test files share this database, so every test works on communities and people of its own.
const newCommunity = (title?: string): CommunityKey => ({
  platform: "discord",
  externalId: `guild-${randomUUID()}`,
  ...(title ? { title } : {}),
});
const newActor = (): IdentityKey => ({ platform: "discord", externalId: `user-${randomUUID()}` });

let database: Database;
let repositories: ReturnType<typeof createRepositories>;
beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
});
afterAll(() => database.close());

const persona = (name: string) => ({ name, bio: "", style: "", topics: [], examples: [], avoid: [] });

describe("personas repository", () => {
  it("finds no persona for a community it has never seen", async () => {
    expect(await repositories.personas.findPersona(newCommunity())).toBeNull();
    expect(await repositories.personas.findPersonaRecord(newCommunity())).toBeNull();
  });

  it("creates the community with its title and stores the persona with the admin's platform id", async () => {
    const community = newCommunity("Frog Pond");
    const actor = newActor();
    let seen: unknown = "not called";

    await repositories.personas.updatePersona({
      community,
      actor,
      edit: (stored) => {
        seen = stored;
        return persona("Pepe");
      },
    });

    expect(seen).toBeNull();
    expect(await repositories.personas.findPersona(community)).toEqual(persona("Pepe"));
    const record = await repositories.personas.findPersonaRecord(community);
    expect(record?.updatedBy).toBe(actor.externalId);
    expect(record?.updatedAt).toBeInstanceOf(Date);
    const row = await database.prisma.community.findUniqueOrThrow({
      where: { platform_externalId: { platform: "discord", externalId: community.externalId } },
    });
    expect(row.title).toBe("Frog Pond");
  });

  it("hands the stored persona to the next edit and replaces it, with the new admin as updatedBy", async () => {
    const community = newCommunity();
    const second = newActor();
    await repositories.personas.updatePersona({ community, actor: newActor(), edit: () => persona("Pepe") });

    let seen: unknown;
    await repositories.personas.updatePersona({
      community,
      actor: second,
      edit: (stored) => {
        seen = stored;
        return { ...(stored as object), name: "Wojak" };
      },
    });

    expect(seen).toEqual(persona("Pepe"));
    expect(await repositories.personas.findPersona(community)).toEqual(persona("Wojak"));
    expect((await repositories.personas.findPersonaRecord(community))?.updatedBy).toBe(second.externalId);
  });

  it("stores nothing when the edit returns undefined", async () => {
    const community = newCommunity();
    await repositories.personas.updatePersona({ community, actor: newActor(), edit: () => undefined });
    expect(await repositories.personas.findPersona(community)).toBeNull();
  });

  it("GIVEN two admins changing different fields at the same moment THEN both changes are kept", async () => {
    const community = newCommunity();
    await repositories.personas.updatePersona({ community, actor: newActor(), edit: () => persona("Pepe") });

    const change = (field: string, value: unknown) =>
      repositories.personas.updatePersona({
        community,
        actor: newActor(),
        edit: (stored) => ({ ...(stored as object), [field]: value }),
      });
    await Promise.all([change("bio", "a frog"), change("style", "dry"), change("topics", ["ponds"])]);

    expect(await repositories.personas.findPersona(community)).toEqual({
      ...persona("Pepe"),
      bio: "a frog",
      style: "dry",
      topics: ["ponds"],
    });
  });

  it("deletes the persona and says whether there was one, leaving other communities' alone", async () => {
    const community = newCommunity();
    const other = newCommunity();
    await repositories.personas.updatePersona({ community, actor: newActor(), edit: () => persona("Pepe") });
    await repositories.personas.updatePersona({
      community: other,
      actor: newActor(),
      edit: () => persona("Doge"),
    });

    expect(await repositories.personas.deletePersona(community)).toBe(true);
    expect(await repositories.personas.deletePersona(community)).toBe(false);
    expect(await repositories.personas.findPersona(community)).toBeNull();
    expect(await repositories.personas.findPersona(other)).toEqual(persona("Doge"));
  });

  it("keeps Unicode text as written", async () => {
    const community = newCommunity();
    const text = { ...persona("Ñandú 🐸"), bio: 'می‌خواهم 👨‍👩‍👧 "quoted" \\ back' };
    await repositories.personas.updatePersona({ community, actor: newActor(), edit: () => text });
    expect(await repositories.personas.findPersona(community)).toEqual(text);
  });
});
