// Re-verification passes over the fake Solana RPC and the fake Discord, run as the worker runs them:
// the sweep starts a pass once per interval, pages go through every member with a linked wallet (or
// access on record) after a saved cursor, spread over half the interval; short holders keep the role
// for the grace period and lose it after, holders again get it back ("restored"); members who left
// are dropped; an RPC outage removes nobody and the page is tried again from its cursor; a page lost
// with its worker is queued again by the sweep. Passes audit changes only.
import type { Address } from "@solana/kit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GATE_PASS_PAGE_SIZE, GateCheckIncompleteError, pageDelayMs, type JobPayload } from "@memebot/core";
import { createRepositories, type Database } from "@memebot/db";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord/server.ts";
import { MANAGE_ROLES } from "../fakes/discord/guilds.ts";
import { startFakeSolanaRpc, type FakeMint, type FakeSolanaRpc } from "../fakes/solana-rpc.ts";
import { REDIS_URL } from "../jobs/support.ts";
import { repositoryOptions } from "../support/database.ts";
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
let discord: FakeDiscord;
let mint: FakeMint;
let world: GateWorld;

const HOUR = 3_600_000;
const BOT_ROLE = "930000000000000001";
const HOLDERS = "930000000000000002";
// In id order, as passes page through them.
const [HOLDER, KEEPER, SHORT, SELLER] = [
  "940000000000000001",
  "940000000000000002",
  "940000000000000003",
  "940000000000000004",
];
const wallets = new Map<string, { address: Address; associatedAccount?: Address }>();

beforeAll(async () => {
  database = await openOwnDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
  solana = await startFakeSolanaRpc();
  discord = await startFakeDiscord();
  mint = await solana.setup.createMint({ program: "spl-token", decimals: 0 });
});

afterAll(async () => {
  await discord.close();
  await solana.close();
  await database.close();
  await redis.quit();
});

beforeEach(async (context) => {
  // Sweeps go over every gated community of the database (the file's own): this test's alone.
  await database.prisma.tokenGate.deleteMany();
  solana.clearFailures();
  world = await gateWorld({ platform: "discord", redis, repositories, solana, discord, passPageSize: 2 });
  context.onTestFinished(() => world.close());
  discord.guilds.addGuild(world.community);
  discord.guilds.addRole(world.community, {
    id: BOT_ROLE,
    name: "Bot",
    position: 5,
    permissions: MANAGE_ROLES,
  });
  discord.guilds.addRole(world.community, { id: HOLDERS, name: "Holders", position: 2 });
  discord.guilds.setMember(world.community, discord.botUser.id, [BOT_ROLE]);
  await replyTo(world, `/gate add ${mint.address} 1000 <@&${HOLDERS}>`, { admin: true });
  // HOLDER holds enough without the role; KEEPER holds enough with it; SHORT holds too little without
  // it; SELLER holds too little but has the role (sold since it was given).
  const plan: Array<[string, bigint, string[]]> = [
    [HOLDER, 1500n, []],
    [KEEPER, 1000n, [HOLDERS]],
    [SHORT, 10n, []],
    [SELLER, 500n, [HOLDERS]],
  ];
  for (const [member, amount, roles] of plan) {
    const wallet = await walletWith(solana, mint, amount);
    wallets.set(member, wallet);
    await linkWallets(database, world, member, [wallet]);
    discord.guilds.setMember(world.community, member, roles);
  }
});

const community = () => ({ platform: "discord" as const, externalId: world.community });
const passOf = () => repositories.gates.passOf(community());
const has = (member: string) => discord.guilds.memberRoles(world.community, member)?.includes(HOLDERS);
const actions = async () =>
  (await auditOf(database, world))
    .filter((entry) => entry.memberId !== "admin-1")
    .map((entry) => [entry.memberId, entry.action, entry.reason]);
const sweep = () =>
  world.handlers["gate.sweep"](
    { reason: "schedule" },
    { jobId: "sweep", attempt: 1, signal: new AbortController().signal },
  );
const laterBy = (ms: number) => {
  world.clock.now = new Date(world.clock.now.getTime() + ms);
};
const accountOf = (member: string) => wallets.get(member)?.associatedAccount as Address;

describe("re-verification passes", () => {
  it("start once per interval and page through every member, spread over half the interval, auditing changes only", async () => {
    expect(await sweep()).toMatchObject({ started: 1, resumed: 0 });
    expect(await sweep()).toMatchObject({ started: 0 });
    const pages = world.enqueued.filter((job) => job.name === "gate.pass");
    expect(pages).toEqual([expect.objectContaining({ payload: expect.objectContaining({ cursor: null }) })]);

    const ran = await runQueued(world, "gate.pass");
    // Four members, two a page: two full pages, then an empty one that finishes the pass.
    expect(ran.map((page) => (page.payload as JobPayload<"gate.pass">).cursor)).toEqual([
      null,
      KEEPER,
      SELLER,
    ]);
    expect(ran.map((page) => page.result)).toEqual([
      { outcome: "gate.pass.page", checked: 2 },
      { outcome: "gate.pass.page", checked: 2 },
      { outcome: "gate.pass.finished", checked: 0 },
    ]);
    expect(await passOf()).toMatchObject({ cursor: SELLER, total: 4, checked: 4, failed: 0 });
    expect((await passOf())?.finishedAt).not.toBeNull();

    expect([has(HOLDER), has(KEEPER), has(SHORT), has(SELLER)]).toEqual([true, true, false, true]);
    // Kept and denied members write nothing; the grant and the start of SELLER's grace do.
    expect(await actions()).toEqual([
      [HOLDER, "granted", "enough"],
      [SELLER, "grace", "short"],
    ]);

    // Not due again until the interval (6 hours by default) has passed since the pass started.
    laterBy(5 * HOUR);
    expect(await sweep()).toMatchObject({ started: 0 });
    laterBy(HOUR);
    expect(await sweep()).toMatchObject({ started: 1 });
    await runQueued(world, "gate.pass");
    expect(await actions()).toHaveLength(2);
  });

  it("spread pages over half the interval, ten minutes apart at most", async () => {
    await replyTo(world, "/config gate.recheck_hours 1", { admin: true });
    await sweep();
    const [first] = world.enqueued.splice(0);
    await world.handlers["gate.pass"](first?.payload as JobPayload<"gate.pass">, {
      jobId: "page",
      attempt: 1,
      signal: new AbortController().signal,
    });
    // Four members in two pages over half an hour: 15 minutes apart, capped at 10.
    expect(world.enqueued).toEqual([expect.objectContaining({ name: "gate.pass", delayMs: 600_000 })]);
    // 10,000 members in pages of 500 over 3 of the default 6 hours: 9 minutes apart.
    expect(pageDelayMs(10_000, GATE_PASS_PAGE_SIZE, 6 * HOUR)).toBe(540_000);
  });

  it("remove the role after the grace period, restore it when the member holds again, and drop members who left", async () => {
    await sweep();
    await runQueued(world, "gate.pass");
    expect(has(SELLER)).toBe(true);

    laterBy(24 * HOUR);
    await sweep();
    await runQueued(world, "gate.pass");
    expect(has(SELLER)).toBe(false);

    await solana.setup.mintTo(mint, accountOf(SELLER), 600n);
    discord.guilds.removeMember(world.community, KEEPER);
    laterBy(6 * HOUR);
    await sweep();
    await runQueued(world, "gate.pass");
    expect(has(SELLER)).toBe(true);
    expect(await actions()).toEqual([
      [HOLDER, "granted", "enough"],
      [SELLER, "grace", "short"],
      [SELLER, "removed", "short"],
      [KEEPER, "denied", "not_in_community"],
      [SELLER, "restored", "enough"],
    ]);

    // KEEPER left: the next pass checks the three others only, and audits nothing new.
    laterBy(6 * HOUR);
    await sweep();
    await runQueued(world, "gate.pass");
    expect(await passOf()).toMatchObject({ total: 3, checked: 3 });
    expect(await actions()).toHaveLength(5);
  });

  it("remove nobody when the RPC is down: the page fails, is tried again from its cursor, and failures are counted", async () => {
    await sweep();
    await runQueued(world, "gate.pass");
    laterBy(25 * HOUR);
    await sweep();
    solana.failNext(1_000, { kind: "status", status: 503 });
    const [page] = world.enqueued.splice(0);
    const context = { jobId: "page", attempt: 1, signal: new AbortController().signal };
    const payload = page?.payload as JobPayload<"gate.pass">;
    await expect(world.handlers["gate.pass"](payload, context)).rejects.toBeInstanceOf(
      GateCheckIncompleteError,
    );
    expect(await passOf()).toMatchObject({ cursor: null, checked: 0 });
    expect(has(SELLER)).toBe(true);
    const states = await database.prisma.gateMemberState.findMany({
      where: { community: community(), memberId: { in: [HOLDER, KEEPER] } },
    });
    expect(states.map((state) => state.failures)).toEqual([1, 1]);
    expect((await actions()).filter(([, action]) => action === "check_failed")).toHaveLength(2);

    // The chain answers again: the retried page goes on, and SELLER's grace is over.
    solana.clearFailures();
    await world.handlers["gate.pass"](payload, context);
    await runQueued(world, "gate.pass");
    expect(has(SELLER)).toBe(false);
    expect(await passOf()).toMatchObject({ checked: 4, failed: 0 });
    const after = await database.prisma.gateMemberState.findMany({ where: { community: community() } });
    expect(after.every((state) => state.failures === 0)).toBe(true);
  });

  it("forget members' standings on a target no gate grants any more", async () => {
    await sweep();
    await runQueued(world, "gate.pass");
    const states = () => database.prisma.gateMemberState.count({ where: { community: community() } });
    expect(await states()).toBe(4);
    const [gate] = await repositories.gates.list(community());
    await replyTo(world, `/gate remove ${gate?.id}`, { admin: true });
    expect(await states()).toBe(0);
  });

  it("queue a page lost with its worker again from the saved cursor", async () => {
    await sweep();
    const [first] = world.enqueued.splice(0);
    const context = { jobId: "page", attempt: 1, signal: new AbortController().signal };
    await world.handlers["gate.pass"](first?.payload as JobPayload<"gate.pass">, context);
    // The next page's job is lost (a killed worker, a flushed queue).
    world.enqueued.splice(0);
    expect(await passOf()).toMatchObject({ cursor: KEEPER, checked: 2 });

    laterBy(10 * 60_000);
    expect(await sweep()).toMatchObject({ resumed: 0 });
    laterBy(15 * 60_000);
    expect(await sweep()).toMatchObject({ started: 0, resumed: 1 });
    expect(world.enqueued).toEqual([
      expect.objectContaining({ name: "gate.pass", payload: expect.objectContaining({ cursor: KEEPER }) }),
    ]);
    await runQueued(world, "gate.pass");
    expect(await passOf()).toMatchObject({ checked: 4 });
    expect((await passOf())?.finishedAt).not.toBeNull();
    // A duplicate of a page already done does nothing.
    await expect(
      world.handlers["gate.pass"](first?.payload as JobPayload<"gate.pass">, context),
    ).resolves.toEqual({ outcome: "gate.pass.stale", checked: 0 });
  });
});
