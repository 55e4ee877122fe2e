// The meme templates repository on this run's PostgreSQL: pictures round-trip byte for byte, names
// are unique per community, and the per-community cap holds, also when admins add at the same time.
import { randomBytes, randomUUID } from "node:crypto";
import {
  createRepositories,
  MAX_TEMPLATE_BYTES_PER_COMMUNITY,
  MAX_TEMPLATES_PER_COMMUNITY,
  type CommunityKey,
  type Database,
  type IdentityKey,
  type NewMemeTemplate,
} from "@memebot/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";

// Other test files share this database, so every test works on communities of its own.
const newCommunity = (): CommunityKey => ({ platform: "telegram", externalId: `-100${randomUUID()}` });
const actor: IdentityKey = { platform: "telegram", externalId: "4242" };

let database: Database;
let repositories: ReturnType<typeof createRepositories>;
beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
});
afterAll(() => database.close());

const boxes = [
  { id: "top", label: "setup", x: 0, y: 0, width: 400, height: 80, style: "outlined" },
  { id: "bottom", label: "punchline", x: 0, y: 320, width: 400, height: 80, style: "outlined" },
];

function template(community: CommunityKey, name: string, picture = randomBytes(1000)): NewMemeTemplate {
  return {
    community,
    actor,
    name,
    description: `The ${name} template`,
    tags: ["custom", name],
    layout: "classic",
    width: 400,
    height: 400,
    boxes,
    picture,
  };
}

describe("meme templates repository", () => {
  it("stores a template and gives it back by name, the picture byte for byte, with who added it", async () => {
    const community = newCommunity();
    const picture = randomBytes(5000);
    expect(await repositories.memeTemplates.add(template(community, "doge", picture))).toEqual({ ok: true });

    const stored = await repositories.memeTemplates.get(community, "doge");
    expect(stored).toMatchObject({
      name: "doge",
      description: "The doge template",
      tags: ["custom", "doge"],
      layout: "classic",
      width: 400,
      height: 400,
      boxes,
      byteSize: 5000,
      createdBy: "4242",
    });
    expect(stored?.createdAt).toBeInstanceOf(Date);
    expect(Buffer.from(stored?.picture ?? []).equals(picture)).toBe(true);
    expect(await repositories.memeTemplates.get(community, "nope")).toBeNull();
    // Another community does not see it.
    expect(await repositories.memeTemplates.get(newCommunity(), "doge")).toBeNull();
  });

  it("lists by name without pictures, and with them when asked", async () => {
    const community = newCommunity();
    for (const name of ["zebra", "alpha", "mid"])
      await repositories.memeTemplates.add(template(community, name));

    const names = await repositories.memeTemplates.list(community);
    expect(names.map((row) => row.name)).toEqual(["alpha", "mid", "zebra"]);
    expect(names[0]).not.toHaveProperty("picture");

    const withPictures = await repositories.memeTemplates.list(community, { pictures: true });
    expect(withPictures.map((row) => row.picture.byteLength)).toEqual([1000, 1000, 1000]);
    expect(await repositories.memeTemplates.list(newCommunity())).toEqual([]);
  });

  it("refuses a name the community already has, keeping the first", async () => {
    const community = newCommunity();
    const first = randomBytes(100);
    await repositories.memeTemplates.add(template(community, "same", first));
    expect(await repositories.memeTemplates.add(template(community, "same"))).toEqual({
      ok: false,
      reason: "exists",
    });
    const stored = await repositories.memeTemplates.get(community, "same");
    expect(Buffer.from(stored?.picture ?? []).equals(first)).toBe(true);
    // The same name in another community is another template.
    expect(await repositories.memeTemplates.add(template(newCommunity(), "same"))).toEqual({ ok: true });
  });

  it("removes by name, once", async () => {
    const community = newCommunity();
    await repositories.memeTemplates.add(template(community, "gone"));
    expect(await repositories.memeTemplates.remove(community, "gone")).toBe(true);
    expect(await repositories.memeTemplates.remove(community, "gone")).toBe(false);
    expect(await repositories.memeTemplates.get(community, "gone")).toBeNull();
    expect(await repositories.memeTemplates.remove(newCommunity(), "gone")).toBe(false);
  });

  it(`refuses template number ${MAX_TEMPLATES_PER_COMMUNITY + 1}, and takes one again after a removal`, async () => {
    const community = newCommunity();
    for (let index = 0; index < MAX_TEMPLATES_PER_COMMUNITY; index += 1) {
      expect(await repositories.memeTemplates.add(template(community, `t${index}`, randomBytes(10)))).toEqual(
        {
          ok: true,
        },
      );
    }
    expect(await repositories.memeTemplates.add(template(community, "one-more"))).toEqual({
      ok: false,
      reason: "too_many",
      limit: MAX_TEMPLATES_PER_COMMUNITY,
    });
    expect(await repositories.memeTemplates.totalSize(community)).toEqual({
      count: MAX_TEMPLATES_PER_COMMUNITY,
      bytes: MAX_TEMPLATES_PER_COMMUNITY * 10,
    });
    await repositories.memeTemplates.remove(community, "t0");
    expect(await repositories.memeTemplates.add(template(community, "one-more"))).toEqual({ ok: true });
  });

  it("refuses a picture that would take the community past its bytes, and takes a smaller one", async () => {
    const community = newCommunity();
    const big = MAX_TEMPLATE_BYTES_PER_COMMUNITY - 1000;
    expect(await repositories.memeTemplates.add(template(community, "big", Buffer.alloc(big)))).toEqual({
      ok: true,
    });
    expect(await repositories.memeTemplates.add(template(community, "over", Buffer.alloc(1001)))).toEqual({
      ok: false,
      reason: "too_large",
      limitBytes: MAX_TEMPLATE_BYTES_PER_COMMUNITY,
      usedBytes: big,
    });
    expect(await repositories.memeTemplates.add(template(community, "fits", Buffer.alloc(1000)))).toEqual({
      ok: true,
    });
    expect(await repositories.memeTemplates.totalSize(community)).toEqual({
      count: 2,
      bytes: MAX_TEMPLATE_BYTES_PER_COMMUNITY,
    });
    expect(await repositories.memeTemplates.totalSize(newCommunity())).toEqual({ count: 0, bytes: 0 });
  });

  it("GIVEN admins adding at the same time THEN the cap still holds (the community row is the lock)", async () => {
    const community = newCommunity();
    const results = await Promise.all(
      Array.from({ length: MAX_TEMPLATES_PER_COMMUNITY + 5 }, (_, index) =>
        repositories.memeTemplates.add(template(community, `c${index}`, randomBytes(10))),
      ),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(MAX_TEMPLATES_PER_COMMUNITY);
    expect(results.filter((result) => !result.ok && result.reason === "too_many")).toHaveLength(5);
    expect((await repositories.memeTemplates.totalSize(community)).count).toBe(MAX_TEMPLATES_PER_COMMUNITY);
  });

  it("forgets a community's templates with the community", async () => {
    const community = newCommunity();
    await repositories.memeTemplates.add(template(community, "cascade"));
    await database.prisma.community.delete({
      where: { platform_externalId: { platform: community.platform, externalId: community.externalId } },
    });
    expect(await repositories.memeTemplates.list(community)).toEqual([]);
  });
});
