// A token-gated Telegram group end to end, over the fake Bot API and the fake Solana RPC, with the
// worker's gate handlers: /gate invite makes a join-request link; a linked holder's join request is
// approved at once; anyone else is written to privately with a verification link and approved once a
// linked wallet holds enough, or declined when the window passes; a member who sold is removed after
// the grace period (a ban, then an unban, so they may ask again) and let in again when they hold.
import type { Address } from "@solana/kit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkGatesAfterLink, type JobPayload } from "@memebot/core";
import { createRepositories, type Database } from "@memebot/db";
import { startFakeSolanaRpc, type FakeMint, type FakeSolanaRpc } from "../fakes/solana-rpc.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";
import { REDIS_URL } from "../jobs/support.ts";
import { repositoryOptions } from "../support/database.ts";
import { uniqueTelegramBot, uniqueTelegramGroupId, uniqueTelegramUserId } from "../support/unique-ids.ts";
import {
  auditOf,
  gateWorld,
  openOwnDatabase,
  linkWallets,
  replyTo,
  runQueued,
  walletWith,
  type GateWorld,
} from "./support.ts";

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
let database: Database;
let repositories: ReturnType<typeof createRepositories>;
let solana: FakeSolanaRpc;
let telegram: FakeTelegram;
let mint: FakeMint;
let world: GateWorld;
let group: number;

const HOUR = 3_600_000;
const PUBLIC_URL = "https://gates.example.org";

beforeAll(async () => {
  database = await openOwnDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
  solana = await startFakeSolanaRpc();
  telegram = await startFakeTelegram({ bot: uniqueTelegramBot() });
  mint = await solana.setup.createMint({ program: "token-2022", decimals: 2 });
});

afterAll(async () => {
  await telegram.close();
  await solana.close();
  await database.close();
  await redis.quit();
});

beforeEach(async (context) => {
  // Sweeps go over every gated community of the database (the file's own): this test's alone.
  await database.prisma.tokenGate.deleteMany();
  group = uniqueTelegramGroupId();
  telegram.setAdministrator(group, telegram.bot.id);
  world = await gateWorld({
    platform: "telegram",
    community: String(group),
    redis,
    repositories,
    solana,
    telegram: { apiBase: telegram.apiRoot, botToken: telegram.token },
    publicUrl: PUBLIC_URL,
  });
  context.onTestFinished(() => world.close());
  await replyTo(world, `/gate add ${mint.address} 50`, { admin: true });
});

const community = () => ({
  platform: "telegram" as const,
  externalId: String(group),
  title: "Holders",
  kind: "group" as const,
});
const statusOf = async (user: number) => {
  const response = await fetch(`${telegram.apiRoot}/bot${telegram.token}/getChatMember`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ chat_id: group, user_id: user }),
  });
  return ((await response.json()) as { result: { status: string } }).result.status;
};
const callsFor = (method: string, user: number) =>
  telegram.callsOf(method).filter((call) => call.params.chat_id === group && call.params.user_id === user);
const actionsOf = async (user: number) =>
  (await auditOf(database, world))
    .filter((entry) => entry.memberId === String(user))
    .map((entry) => [entry.action, entry.reason]);
const context = { jobId: "job", attempt: 1, signal: new AbortController().signal };
const sweep = () => world.handlers["gate.sweep"]({ reason: "schedule" }, context);

/** The user asks to join through the gate's link: Telegram's update, and the job the bot queues for it. */
async function asksToJoin(user: number) {
  telegram.setChatMember(group, user, "left");
  telegram.requestToJoin({
    chat: { id: group, type: "supergroup", title: "Holders" },
    from: { id: user, first_name: "Asker" },
    queue: false,
  });
  const payload: JobPayload<"gate.join"> = {
    community: community(),
    memberId: String(user),
    userChatId: String(user),
    language: "en",
    requestedAt: world.clock.now.getTime(),
  };
  return world.handlers["gate.join"](payload, context);
}

describe("a token-gated Telegram group", () => {
  it("/gate invite makes a join-request link for admins only", async () => {
    const answer = await replyTo(world, "/gate invite", { admin: true });
    expect(answer).toMatch(/^Join-request link for this group: https:\/\/t\.me\/\+\S+\n/);
    expect(answer).toContain("holders of at least 50 of");
    expect(answer).toContain("requests not verified within 60 minutes are declined.");
    const made = telegram.callsOf("createChatInviteLink").filter((call) => call.params.chat_id === group);
    expect(made).toEqual([
      expect.objectContaining({ params: expect.objectContaining({ creates_join_request: true }) }),
    ]);
    expect(await replyTo(world, "/gate invite", { member: "5" })).toContain("Only admins");

    telegram.setChatMember(group, telegram.bot.id, "member");
    expect(await replyTo(world, "/gate invite", { admin: true })).toContain(
      "make me an administrator with the rights to invite users and ban users",
    );
  });

  it("approves a linked holder's join request at once", async () => {
    const user = uniqueTelegramUserId();
    await linkWallets(database, world, String(user), [await walletWith(solana, mint, 5_000n)]);
    expect(await asksToJoin(user)).toEqual({ outcome: "gate.join.approved" });
    expect(callsFor("approveChatJoinRequest", user)).toHaveLength(1);
    expect(await statusOf(user)).toBe("member");
    expect(telegram.joinRequests(group)).toEqual([]);
    expect(await actionsOf(user)).toEqual([["granted", "enough"]]);
    expect(world.delivered).toEqual([]);
  });

  it("writes anyone else privately with a verification link, and approves them once a linked wallet holds enough", async () => {
    const user = uniqueTelegramUserId();
    expect(await asksToJoin(user)).toEqual({ outcome: "gate.join.invited" });
    expect(callsFor("approveChatJoinRequest", user)).toHaveLength(0);
    expect(world.delivered).toHaveLength(1);
    const [message] = world.delivered;
    expect(message?.target).toEqual({ platform: "telegram", chatId: String(user) });
    expect(message?.message.text).toMatch(
      new RegExp(
        `^👋 To join Holders, link a Solana wallet that holds at least 50 of \\w{4}…\\w{4}\\. Open ${PUBLIC_URL}/wallet/link/\\w+ within 10 minutes`,
      ),
    );
    expect(message?.message.text).toContain("I will never ask for your seed phrase or private key.");

    // The member links a wallet on the page: its check finds the waiting request and approves it.
    const wallet = await walletWith(solana, mint, 5_000n);
    await linkWallets(database, world, String(user), [wallet]);
    const jobs = {
      enqueue: async (name: string, payload: unknown, options: { jobId: string }) => {
        world.enqueued.push({ name, payload, ...options });
        return { jobId: options.jobId };
      },
    };
    await checkGatesAfterLink(
      jobs as never,
      { community: community(), memberId: String(user), address: wallet.address, status: "linked" },
      "link-1",
    );
    await runQueued(world, "gate.recheck");
    expect(callsFor("approveChatJoinRequest", user)).toHaveLength(1);
    expect(await statusOf(user)).toBe("member");
    expect(await actionsOf(user)).toEqual([
      ["denied", "no_wallet"],
      ["granted", "enough"],
    ]);
  });

  it("declines a request not verified within the window", async () => {
    const user = uniqueTelegramUserId();
    await asksToJoin(user);
    world.clock.now = new Date(world.clock.now.getTime() + 59 * 60_000);
    expect(await sweep()).toMatchObject({ declined: 0 });
    world.clock.now = new Date(world.clock.now.getTime() + 2 * 60_000);
    expect(await sweep()).toMatchObject({ declined: 1 });
    expect(callsFor("declineChatJoinRequest", user)).toHaveLength(1);
    expect(telegram.joinRequests(group)).toEqual([]);
    expect(await statusOf(user)).toBe("left");
    expect((await actionsOf(user)).at(-1)).toEqual(["denied", "join_window_passed"]);
    // Declined once: the next sweep has nothing to do.
    expect(await sweep()).toMatchObject({ declined: 0 });
  });

  it("removes a member who sold after the grace period (ban, then unban) and lets them in again when they hold", async () => {
    const user = uniqueTelegramUserId();
    const wallet = await walletWith(solana, mint, 5_000n);
    await linkWallets(database, world, String(user), [wallet]);
    await asksToJoin(user);
    expect(await statusOf(user)).toBe("member");

    await solana.setup.burn(mint, wallet.associatedAccount as Address, wallet, 4_000n);
    await sweep();
    await runQueued(world, "gate.pass");
    expect(await statusOf(user)).toBe("member");
    expect((await actionsOf(user)).at(-1)).toEqual(["grace", "short"]);

    world.clock.now = new Date(world.clock.now.getTime() + 24 * HOUR);
    await sweep();
    await runQueued(world, "gate.pass");
    expect(callsFor("banChatMember", user)).toHaveLength(1);
    expect(callsFor("unbanChatMember", user)).toHaveLength(1);
    expect(await statusOf(user)).toBe("left");
    expect((await actionsOf(user)).at(-1)).toEqual(["removed", "short"]);

    // Holding again, they ask to join again: let in, audited as restored.
    await solana.setup.mintTo(mint, wallet.associatedAccount as Address, 4_000n);
    expect(await asksToJoin(user)).toEqual({ outcome: "gate.join.approved" });
    expect(await statusOf(user)).toBe("member");
    expect((await actionsOf(user)).at(-1)).toEqual(["restored", "enough"]);
  });
});
