// Telegram's GateAccess (@memebot/delivery's telegram-group-access.ts): telegraf's real client against
// the fake Bot API, which keeps join requests and members and refuses what Telegram refuses.
import { GROUP_TARGET, type GateAccess } from "@memebot/core";
import { createTelegramGroupAccess } from "@memebot/delivery";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";
import { uniqueTelegramBot, uniqueTelegramGroupId, uniqueTelegramUserId } from "../support/unique-ids.ts";

let fake: FakeTelegram;
let access: GateAccess;
let group: number;
let chatId: string;

beforeAll(async () => {
  fake = await startFakeTelegram({ bot: uniqueTelegramBot() });
  access = createTelegramGroupAccess({ apiBase: fake.apiRoot, botToken: fake.token, timeoutMs: 1_000 });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  group = uniqueTelegramGroupId();
  chatId = String(group);
  // A gated group's bot, as the set-up asks: an administrator with every right.
  fake.setAdministrator(group, fake.bot.id);
});

const supergroup = () => ({ id: group, type: "supergroup" as const, title: "Holders" });

/** A user who asked to join and waits (out of the group meanwhile, as Telegram keeps them). */
function asksToJoin(): number {
  const user = uniqueTelegramUserId();
  fake.setChatMember(group, user, "left");
  fake.requestToJoin({ chat: supergroup(), from: { id: user, first_name: "Asker" }, queue: false });
  return user;
}

/** The user's status as Telegram would tell anyone who asks. */
async function memberStatus(user: number): Promise<string> {
  const response = await fetch(`${fake.apiRoot}/bot${fake.token}/getChatMember`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ chat_id: group, user_id: user }),
  });
  return ((await response.json()) as { result: { status: string } }).result.status;
}

describe("checkRole", () => {
  it("GIVEN the bot is an administrator with both rights THEN ok", async () => {
    expect(await access.checkRole(chatId, GROUP_TARGET)).toEqual({ ok: true });
  });

  it("GIVEN the bot created the group THEN ok", async () => {
    fake.setChatMember(group, fake.bot.id, "creator");
    expect(await access.checkRole(chatId, GROUP_TARGET)).toEqual({ ok: true });
  });

  it.each([
    ["a plain member", () => fake.setChatMember(group, fake.bot.id, "member")],
    [
      "an administrator who may not invite",
      () => fake.setAdministrator(group, fake.bot.id, { can_invite_users: false }),
    ],
    [
      "an administrator who may not ban",
      () => fake.setAdministrator(group, fake.bot.id, { can_restrict_members: false }),
    ],
    ["removed from the group", () => fake.setChatMember(group, fake.bot.id, "kicked")],
  ])("GIVEN the bot is %s THEN bot_not_admin", async (_case, arrange) => {
    arrange();
    expect(await access.checkRole(chatId, GROUP_TARGET)).toEqual({ ok: false, problem: "bot_not_admin" });
  });

  it("GIVEN a target other than the group THEN unknown_role (a Telegram gate has no roles)", async () => {
    expect(await access.checkRole(chatId, "1234")).toEqual({ ok: false, problem: "unknown_role" });
  });

  it("GIVEN Telegram fails with a 5xx THEN unavailable, with its status and words", async () => {
    fake.failNext("getChatMember", { error_code: 502, description: "Bad Gateway" });
    expect(await access.checkRole(chatId, GROUP_TARGET)).toEqual({
      ok: false,
      problem: "unavailable",
      detail: "502 Bad Gateway",
    });
  });

  it("GIVEN Telegram hangs THEN unavailable after the time limit", async () => {
    const held = fake.hold("getChatMember");
    try {
      expect(await access.checkRole(chatId, GROUP_TARGET)).toEqual({
        ok: false,
        problem: "unavailable",
        detail: "request timed out",
      });
    } finally {
      held.release();
    }
  });
});

describe("memberRoles", () => {
  it.each(["member", "restricted", "administrator", "creator"] as const)(
    "GIVEN a %s of the group THEN [group]",
    async (status) => {
      const user = uniqueTelegramUserId();
      fake.setChatMember(group, user, status);
      expect(await access.memberRoles(chatId, String(user))).toEqual({ ok: true, roles: [GROUP_TARGET] });
    },
  );

  it.each(["left", "kicked"] as const)("GIVEN a user who %s THEN null", async (status) => {
    const user = uniqueTelegramUserId();
    fake.setChatMember(group, user, status);
    expect(await access.memberRoles(chatId, String(user))).toEqual({ ok: true, roles: null });
  });

  it("GIVEN an id that is no Telegram user THEN null, without asking", async () => {
    const before = fake.callsOf("getChatMember").length;
    expect(await access.memberRoles(chatId, "chat:-100123")).toEqual({ ok: true, roles: null });
    expect(fake.callsOf("getChatMember")).toHaveLength(before);
  });

  it("GIVEN Telegram fails THEN not ok, with a detail", async () => {
    fake.failNext("getChatMember", { error_code: 500, description: "Internal Server Error" });
    expect(await access.memberRoles(chatId, String(uniqueTelegramUserId()))).toEqual({
      ok: false,
      detail: "500 Internal Server Error",
    });
  });
});

describe("grant", () => {
  it("GIVEN a pending join request THEN approves it and the user is a member", async () => {
    const user = asksToJoin();
    expect(await access.grant(chatId, String(user), GROUP_TARGET, "holds enough")).toEqual({ ok: true });
    expect(fake.joinRequests(group)).toEqual([]);
    expect(await memberStatus(user)).toBe("member");
    expect(await access.memberRoles(chatId, String(user))).toEqual({ ok: true, roles: [GROUP_TARGET] });
  });

  it("GIVEN no join request (never made, or settled already) THEN unknown_member", async () => {
    const user = asksToJoin();
    await access.grant(chatId, String(user), GROUP_TARGET, "holds enough");
    expect(await access.grant(chatId, String(user), GROUP_TARGET, "again")).toEqual({
      ok: false,
      problem: "unknown_member",
    });
    expect(await access.grant(chatId, String(uniqueTelegramUserId()), GROUP_TARGET, "never asked")).toEqual({
      ok: false,
      problem: "unknown_member",
    });
  });

  it("GIVEN the bot may not invite THEN bot_not_admin, and the request still waits", async () => {
    const user = asksToJoin();
    fake.setAdministrator(group, fake.bot.id, { can_invite_users: false });
    expect(await access.grant(chatId, String(user), GROUP_TARGET, "holds enough")).toEqual({
      ok: false,
      problem: "bot_not_admin",
    });
    expect(fake.joinRequests(group).map((request) => request.userId)).toEqual([user]);
  });
});

describe("revoke", () => {
  it("GIVEN a member THEN bans for a minute and lifts the ban at once: out, and free to ask again", async () => {
    const user = uniqueTelegramUserId();
    fake.setChatMember(group, user, "member");
    const before = Math.floor(Date.now() / 1000);
    expect(await access.revoke(chatId, String(user), GROUP_TARGET, "short")).toEqual({ ok: true });
    const ban = fake.callsOf("banChatMember").find((call) => call.params.chat_id === group);
    expect(ban?.params).toMatchObject({ user_id: user, revoke_messages: false });
    expect(ban?.params.until_date).toBeGreaterThanOrEqual(before + 60);
    expect(ban?.params.until_date).toBeLessThanOrEqual(before + 62);
    const unban = fake.callsOf("unbanChatMember").find((call) => call.params.chat_id === group);
    expect(unban?.params).toMatchObject({ user_id: user, only_if_banned: true });
    expect(await memberStatus(user)).toBe("left");
    // Once they hold enough again, their new request can be approved.
    fake.requestToJoin({ chat: supergroup(), from: { id: user }, queue: false });
    expect(await access.grant(chatId, String(user), GROUP_TARGET, "back")).toEqual({ ok: true });
  });

  it.each(["creator", "administrator"] as const)(
    "GIVEN the group's %s THEN ok without removing them",
    async (status) => {
      const user = uniqueTelegramUserId();
      fake.setChatMember(group, user, status);
      expect(await access.revoke(chatId, String(user), GROUP_TARGET, "short")).toEqual({ ok: true });
      expect(fake.callsOf("banChatMember").filter((call) => call.params.chat_id === group)).toEqual([]);
      expect(await memberStatus(user)).toBe(status);
    },
  );

  it("GIVEN someone an admin banned THEN ok, and the ban stays", async () => {
    const user = uniqueTelegramUserId();
    fake.setChatMember(group, user, "kicked");
    expect(await access.revoke(chatId, String(user), GROUP_TARGET, "short")).toEqual({ ok: true });
    expect(fake.callsOf("unbanChatMember").filter((call) => call.params.chat_id === group)).toEqual([]);
    expect(await memberStatus(user)).toBe("kicked");
  });

  it("GIVEN the unban fails THEN ok: the member is out and the ban lifts itself", async () => {
    const user = uniqueTelegramUserId();
    fake.setChatMember(group, user, "member");
    fake.failNext("unbanChatMember", { error_code: 500, description: "Internal Server Error" });
    expect(await access.revoke(chatId, String(user), GROUP_TARGET, "short")).toEqual({ ok: true });
    expect(await memberStatus(user)).toBe("kicked");
  });

  it("GIVEN the bot may not ban THEN bot_not_admin, and the member stays", async () => {
    const user = uniqueTelegramUserId();
    fake.setChatMember(group, user, "member");
    fake.setAdministrator(group, fake.bot.id, { can_restrict_members: false });
    expect(await access.revoke(chatId, String(user), GROUP_TARGET, "short")).toEqual({
      ok: false,
      problem: "bot_not_admin",
    });
    expect(await memberStatus(user)).toBe("member");
  });
});

describe("decline", () => {
  it("GIVEN a pending join request THEN declines it; the user stays out", async () => {
    const user = asksToJoin();
    expect(await access.decline?.(chatId, String(user))).toEqual({ ok: true });
    expect(fake.joinRequests(group)).toEqual([]);
    expect(await memberStatus(user)).toBe("left");
  });

  it("GIVEN no pending join request THEN unknown_member", async () => {
    expect(await access.decline?.(chatId, String(uniqueTelegramUserId()))).toEqual({
      ok: false,
      problem: "unknown_member",
    });
  });

  it("GIVEN the bot is no administrator THEN bot_not_admin", async () => {
    const user = asksToJoin();
    fake.setChatMember(group, fake.bot.id, "member");
    expect(await access.decline?.(chatId, String(user))).toEqual({ ok: false, problem: "bot_not_admin" });
  });
});

describe("joinRequestLink", () => {
  it("GIVEN the bot may invite THEN a t.me link that creates join requests, named", async () => {
    const link = await access.joinRequestLink?.(chatId, "Token gate");
    expect(link).toEqual({ ok: true, url: expect.stringMatching(/^https:\/\/t\.me\/\+[\w-]{16}$/) });
    expect(fake.inviteLinks(group)).toEqual([
      expect.objectContaining({
        invite_link: link?.ok ? link.url : "",
        creates_join_request: true,
        name: "Token gate",
      }),
    ]);
  });

  it("GIVEN a name longer than Telegram takes THEN it is cut to 32 characters", async () => {
    const link = await access.joinRequestLink?.(chatId, `${"a".repeat(31)}🚀 and more`);
    expect(link?.ok).toBe(true);
    expect(fake.inviteLinks(group)[0]?.name).toBe("a".repeat(31));
  });

  it("GIVEN the bot may not invite THEN bot_not_admin", async () => {
    fake.setAdministrator(group, fake.bot.id, { can_invite_users: false });
    expect(await access.joinRequestLink?.(chatId, "Token gate")).toEqual({
      ok: false,
      problem: "bot_not_admin",
    });
  });
});

describe("the bot token", () => {
  it("GIVEN Telegram's answer quotes the token THEN the detail does not", async () => {
    // telegraf reads a 5xx's status line only; a 4xx's description comes through as Telegram wrote it.
    fake.failNext(
      "getChatMember",
      { error_code: 400, description: `Bad Request: no such method for bot${fake.token}` },
      2,
    );
    const check = await access.checkRole(chatId, GROUP_TARGET);
    const roles = await access.memberRoles(chatId, String(uniqueTelegramUserId()));
    const details = JSON.stringify([check, roles]);
    expect(details).not.toContain(fake.token);
    expect(details).toContain("[redacted]");
  });

  it("GIVEN Telegram cannot be reached THEN every detail names the failure, never the URL", async () => {
    const closed = await startFakeTelegram({ bot: uniqueTelegramBot() });
    const unreachable = createTelegramGroupAccess({ apiBase: closed.apiRoot, botToken: closed.token });
    await closed.close();
    const answers = [
      await unreachable.checkRole(chatId, GROUP_TARGET),
      await unreachable.memberRoles(chatId, "42"),
      await unreachable.grant(chatId, "42", GROUP_TARGET, "r"),
      await unreachable.revoke(chatId, "42", GROUP_TARGET, "r"),
      await unreachable.decline?.(chatId, "42"),
      await unreachable.joinRequestLink?.(chatId, "Token gate"),
    ];
    for (const answer of answers) {
      expect(answer).toMatchObject({ ok: false, detail: "request failed (ECONNREFUSED)" });
    }
    expect(JSON.stringify(answers)).not.toContain(closed.token);
  });
});
