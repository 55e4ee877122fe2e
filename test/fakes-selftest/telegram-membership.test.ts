// The fake Bot API's gated-group side, with telegraf's own client: join requests, removals, invite
// links, and the membership updates a bot receives only when it asks for them.
import { Telegram, TelegramError } from "telegraf";
import type { Update } from "telegraf/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";

const group = -1_001_234_567_890;
const chat = { id: group, type: "supergroup" as const, title: "Holders" };
const dana = { id: 601, first_name: "Dana" };

let fake: FakeTelegram;
let telegram: Telegram;

beforeEach(async () => {
  fake = await startFakeTelegram({ pollHoldMs: 100 });
  telegram = new Telegram(fake.token, { apiRoot: fake.apiRoot });
  fake.setAdministrator(group, fake.bot.id);
});

afterEach(async () => {
  await fake.close();
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) =>
      error instanceof TelegramError ? `${error.code} ${error.description}` : String(error),
  );

describe("fake Telegram: gated groups", () => {
  it("keeps a join request until it is approved, and approving twice is refused", async () => {
    fake.setChatMember(group, dana.id, "left");
    const update = fake.requestToJoin({ chat, from: dana, date: 1_800_000_000, queue: false });
    expect(update.chat_join_request).toMatchObject({ user_chat_id: dana.id, date: 1_800_000_000 });
    expect(fake.joinRequests(group)).toEqual([
      { chatId: group, userId: dana.id, userChatId: dana.id, date: 1_800_000_000 },
    ]);
    expect(await telegram.approveChatJoinRequest(group, dana.id)).toBe(true);
    expect((await telegram.getChatMember(group, dana.id)).status).toBe("member");
    expect(await refusal(telegram.approveChatJoinRequest(group, dana.id))).toBe(
      "400 Bad Request: HIDE_REQUESTER_MISSING",
    );
  });

  it("refuses what a bot without the rights may not do, as Telegram words it", async () => {
    fake.setAdministrator(group, fake.bot.id, { can_invite_users: false, can_restrict_members: false });
    fake.requestToJoin({ chat, from: dana, queue: false });
    expect(await refusal(telegram.declineChatJoinRequest(group, dana.id))).toBe(
      "400 Bad Request: CHAT_ADMIN_REQUIRED",
    );
    expect(await refusal(telegram.banChatMember(group, dana.id))).toBe(
      "400 Bad Request: not enough rights to restrict/unrestrict chat member",
    );
    expect(await refusal(telegram.createChatInviteLink(group, { creates_join_request: true }))).toBe(
      "400 Bad Request: not enough rights to manage chat invite link",
    );
    fake.setChatMember(group, fake.bot.id, "left");
    expect(await refusal(telegram.banChatMember(group, dana.id))).toBe(
      "403 Forbidden: bot is not a member of the supergroup chat",
    );
  });

  it("bans and unbans: only_if_banned leaves members alone; without it a member is removed", async () => {
    await telegram.banChatMember(group, dana.id);
    expect((await telegram.getChatMember(group, dana.id)).status).toBe("kicked");
    await telegram.unbanChatMember(group, dana.id, { only_if_banned: true });
    expect((await telegram.getChatMember(group, dana.id)).status).toBe("left");
    fake.setChatMember(group, dana.id, "member");
    await telegram.unbanChatMember(group, dana.id, { only_if_banned: true });
    expect((await telegram.getChatMember(group, dana.id)).status).toBe("member");
    await telegram.unbanChatMember(group, dana.id);
    expect((await telegram.getChatMember(group, dana.id)).status).toBe("left");
    fake.setChatMember(group, 700, "creator");
    expect(await refusal(telegram.banChatMember(group, 700))).toBe(
      "400 Bad Request: can't remove chat owner",
    );
  });

  it("creates invite links that create join requests", async () => {
    const link = await telegram.createChatInviteLink(group, { creates_join_request: true, name: "Gate" });
    expect(link).toMatchObject({ creates_join_request: true, name: "Gate", creator: { id: fake.bot.id } });
    expect(link.invite_link).toMatch(/^https:\/\/t\.me\/\+/);
    expect(fake.inviteLinks(group)).toEqual([link]);
    expect(
      await refusal(telegram.createChatInviteLink(group, { creates_join_request: true, member_limit: 5 })),
    ).toMatch(/^400 Bad Request: member limit/);
  });

  it("delivers chat_member only to a bot that asks for it; join requests by default", async () => {
    fake.changeMember({ chat, user: dana, old: "member", new: "left" });
    fake.requestToJoin({ chat, from: dana });
    const byDefault = (await telegram.callApi("getUpdates", { timeout: 0 } as never)) as Update[];
    expect(byDefault.map((update) => Object.keys(update)[1])).toEqual(["chat_join_request"]);

    const change = fake.changeMember({ chat, user: dana, old: "left", new: "member" });
    const asked = (await telegram.callApi("getUpdates", {
      offset: (byDefault[0]?.update_id ?? 0) + 1,
      timeout: 0,
      allowed_updates: ["chat_member"],
    } as never)) as Update[];
    expect(asked).toEqual([change]);
    expect(change.chat_member.new_chat_member).toMatchObject({ status: "member", user: { id: dana.id } });
    expect((await telegram.getChatMember(group, dana.id)).status).toBe("member");
  });
});
