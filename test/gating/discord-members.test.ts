// Re-verification passes read many Discord members at once (GateAccess.membersRoles), over the fake
// Discord: a few are asked one by one, many by listing the server 1,000 a page (the fake's request
// log counts the pages), members who left are missing from the answer, a bot without the Server
// Members intent falls back to asking member by member, and a failure answers ok:false with a
// detail that never quotes the bot token. The fake's List Guild Members keeps Discord's rules.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { GateAccess } from "@memebot/core";
import { createDiscordRoleAccess } from "@memebot/delivery";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord/server.ts";
import { uniqueSnowflake } from "../support/unique-ids.ts";

const BOT_TOKEN = "fake-members-bot-token";
const HOLDERS = "910000000000000002";
const WHALES = "910000000000000003";

let discord: FakeDiscord;
let access: GateAccess;
let guild: string;

beforeAll(async () => {
  discord = await startFakeDiscord({ token: BOT_TOKEN });
  access = createDiscordRoleAccess({ apiBase: discord.apiBase, botToken: BOT_TOKEN });
});

afterAll(async () => {
  await discord.close();
});

beforeEach(() => {
  guild = uniqueSnowflake();
  discord.guilds.addGuild(guild);
  discord.guilds.setServerMembersIntent(true);
});

/** Member ids in snowflake order: consecutive numbers under a random 18-digit base. */
function memberIds(count: number): string[] {
  const base = BigInt(uniqueSnowflake()) - 10_000_000n;
  return Array.from({ length: count }, (_, index) => String(base + BigInt(index)));
}

/** The fake's requests since `before` to this guild's member routes. */
function memberCalls(before: number) {
  const calls = discord.calls
    .slice(before)
    .filter((call) => call.path.startsWith(`/guilds/${guild}/members`));
  return {
    listed: calls.filter((call) => call.path === `/guilds/${guild}/members`),
    single: calls.filter((call) => call.path !== `/guilds/${guild}/members`),
  };
}

async function membersRoles(ids: readonly string[]) {
  if (!access.membersRoles) throw new Error("Discord's access has no membersRoles");
  return access.membersRoles(guild, ids);
}

describe("membersRoles", () => {
  it("asks a few members one by one, and leaves out those who are not in the server", async () => {
    const [holder, whale, newcomer, gone] = memberIds(4) as [string, string, string, string];
    discord.guilds.setMember(guild, holder, [HOLDERS]);
    discord.guilds.setMember(guild, whale, [HOLDERS, WHALES]);
    discord.guilds.setMember(guild, newcomer, []);
    const before = discord.calls.length;

    const result = await membersRoles([holder, whale, newcomer, gone]);

    expect(result).toEqual({
      ok: true,
      roles: new Map([
        [holder, [HOLDERS]],
        [whale, [HOLDERS, WHALES]],
        [newcomer, []],
      ]),
    });
    const calls = memberCalls(before);
    expect(calls.listed).toHaveLength(0);
    expect(calls.single.map((call) => call.path).sort()).toEqual(
      [holder, whale, newcomer, gone].map((id) => `/guilds/${guild}/members/${id}`).sort(),
    );
  });

  it("lists a large server 1,000 a page and keeps the members asked for; those who left are missing", async () => {
    const ids = memberIds(2_500);
    ids.forEach((id, index) => discord.guilds.setMember(guild, id, index % 3 === 0 ? [HOLDERS] : []));
    // 1,200 asked: every other member, spread over the whole server (the last page too), of whom 50
    // have left since they linked a wallet.
    const asked = ids.filter((_, index) => index % 2 === 0).slice(0, 1_200);
    const left = asked.slice(100, 150);
    for (const id of left) discord.guilds.removeMember(guild, id);
    const before = discord.calls.length;

    const result = await membersRoles(asked);

    if (!result.ok) throw new Error(`expected the roles, got ${result.detail}`);
    expect(result.roles.size).toBe(1_150);
    for (const id of left) expect(result.roles.has(id)).toBe(false);
    for (const id of asked.filter((candidate) => !left.includes(candidate))) {
      expect(result.roles.get(id)).toEqual(ids.indexOf(id) % 3 === 0 ? [HOLDERS] : []);
    }
    // From just below the lowest id asked for (the bot's own, lower, is not listed): 2,450 members in
    // pages of 1,000, 1,000 and 450, each after the last id seen.
    const calls = memberCalls(before);
    expect(calls.single).toHaveLength(0);
    expect(calls.listed.map((call) => call.query)).toEqual([
      { limit: "1000", after: String(BigInt(asked[0] as string) - 1n) },
      { limit: "1000", after: (calls.listed[0]?.response as Array<{ user: { id: string } }>)[999]?.user.id },
      { limit: "1000", after: (calls.listed[1]?.response as Array<{ user: { id: string } }>)[999]?.user.id },
    ]);
    expect(calls.listed.map((call) => (call.response as unknown[]).length)).toEqual([1_000, 1_000, 450]);
  });

  it("stops listing once a page has passed the highest member asked for", async () => {
    const ids = memberIds(2_500);
    for (const id of ids) discord.guilds.setMember(guild, id, []);
    const asked = ids.slice(0, 900).filter((_, index) => index % 30 === 0);
    const before = discord.calls.length;

    const result = await membersRoles(asked);

    expect(result.ok && result.roles.size).toBe(30);
    expect(memberCalls(before).listed).toHaveLength(1);
  });

  it("falls back to one request a member when Discord refuses the listing (no Server Members intent)", async () => {
    discord.guilds.setServerMembersIntent(false);
    const ids = memberIds(40);
    for (const id of ids.slice(0, 30)) discord.guilds.setMember(guild, id, [HOLDERS]);
    const before = discord.calls.length;

    const result = await membersRoles(ids);

    expect(result).toEqual({ ok: true, roles: new Map(ids.slice(0, 30).map((id) => [id, [HOLDERS]])) });
    const calls = memberCalls(before);
    expect(calls.listed.map((call) => [call.status, (call.response as { code: number }).code])).toEqual([
      [403, 50001],
    ]);
    expect(calls.single).toHaveLength(40);
  });

  it("waits out a short rate limit in a pass", async () => {
    const ids = memberIds(30);
    for (const id of ids) discord.guilds.setMember(guild, id, []);
    discord.failNext(
      { method: "GET", path: `/guilds/${guild}/members` },
      { status: 429, body: { message: "You are being rate limited.", retry_after: 0.05, global: false } },
    );

    const result = await membersRoles(ids);

    expect(result.ok && result.roles.size).toBe(30);
  });

  it("answers ok:false on a 5xx or a refusal, never quoting the bot token", async () => {
    const ids = memberIds(30);
    for (const id of ids) discord.guilds.setMember(guild, id, []);
    discord.failNext(
      { method: "GET", path: `/guilds/${guild}/members` },
      { status: 502, body: { message: `upstream failed for Bot ${BOT_TOKEN}`, code: 0 } },
    );
    const listing = await membersRoles(ids);
    expect(listing).toEqual({ ok: false, detail: expect.stringContaining("502") });

    // One by one: a member's request refused with Discord's words quoting the token.
    discord.failNext(
      { method: "GET", path: `/guilds/${guild}/members/:user` },
      { status: 400, body: { message: `Bad request from Bot ${BOT_TOKEN}`, code: 50035 } },
    );
    const single = await membersRoles(ids.slice(0, 3));
    expect(single).toEqual({ ok: false, detail: expect.stringContaining("400") });

    for (const result of [listing, single]) {
      if (result.ok) throw new Error("expected a failure");
      expect(result.detail).not.toContain(BOT_TOKEN);
    }
    expect(single.ok === false && single.detail).toContain("[redacted]");
  });
});

describe("the fake's List Guild Members", () => {
  const list = (query: string) =>
    fetch(`${discord.apiBase}/v10/guilds/${guild}/members${query}`, {
      headers: { authorization: `Bot ${BOT_TOKEN}` },
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as unknown }));

  it("keeps Discord's limit (1–1000, default 1) and id order after a snowflake", async () => {
    const ids = memberIds(3);
    // Added out of order: the listing sorts by id, as Discord's does.
    for (const id of [...ids].reverse()) discord.guilds.setMember(guild, id, []);
    const userIds = (body: unknown) =>
      (body as Array<{ user: { id: string } }>).map((member) => member.user.id);

    // The bot is a member too, with the lowest id here.
    expect(userIds((await list("")).body)).toEqual([discord.botUser.id]);
    expect(userIds((await list("?limit=1000")).body)).toEqual([discord.botUser.id, ...ids]);
    expect(userIds((await list(`?limit=2&after=${ids[0]}`)).body)).toEqual([ids[1], ids[2]]);
    for (const [query, code] of [
      ["?limit=1001", "NUMBER_TYPE_MAX"],
      ["?limit=0", "NUMBER_TYPE_MIN"],
      ["?after=abc", "NUMBER_TYPE_COERCE"],
    ] as const) {
      const answer = await list(query);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body)).toContain(code);
    }
  });

  it("refuses the listing with 403 Missing Access without the Server Members intent", async () => {
    discord.guilds.setServerMembersIntent(false);
    expect(await list("?limit=1000")).toEqual({
      status: 403,
      body: { message: "Missing Access", code: 50001 },
    });
  });
});
