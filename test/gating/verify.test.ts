// /verify and the gate checks behind it, over the fake Solana RPC and the fake Discord: a member
// who holds enough (summed over all linked wallets and token accounts) gets the role (a PUT seen by
// Discord), one whose balance drops loses it (a DELETE), an RPC failure removes nobody and is audited
// and scheduled again, a bot without Manage Roles changes nothing and says so, and /gate audit shows
// the latest decisions with addresses shortened.
import type { Address } from "@solana/kit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GateCheckIncompleteError, translate, type JobPayload } from "@memebot/core";
import { createRepositories, type Database } from "@memebot/db";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord/server.ts";
import { MANAGE_ROLES } from "../fakes/discord/guilds.ts";
import { startFakeSolanaRpc, type FakeMint, type FakeSolanaRpc } from "../fakes/solana-rpc.ts";
import { REDIS_URL } from "../jobs/support.ts";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";
import {
  auditOf,
  gateWorld,
  invocationIn,
  linkWallets,
  replyTo,
  verify,
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

const BOT_ROLE = "910000000000000001";
const HOLDERS = "910000000000000002";
const MEMBER = "920000000000000001";

beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
  solana = await startFakeSolanaRpc();
  discord = await startFakeDiscord();
  mint = await solana.setup.createMint({ program: "token-2022", decimals: 6 });
});

afterAll(async () => {
  await discord.close();
  await solana.close();
  await database.close();
  await redis.quit();
});

beforeEach(async (context) => {
  solana.clearFailures();
  world = await gateWorld({ platform: "discord", redis, repositories, solana, discord });
  context.onTestFinished(() => world.close());
  discord.guilds.addGuild(world.community);
  discord.guilds.addRole(world.community, {
    id: BOT_ROLE,
    name: "MemeBot",
    position: 5,
    permissions: MANAGE_ROLES,
  });
  discord.guilds.addRole(world.community, { id: HOLDERS, name: "Holders", position: 2 });
  discord.guilds.setMember(world.community, discord.botUser.id, [BOT_ROLE]);
  discord.guilds.setMember(world.community, MEMBER, []);
  // 1,000 tokens (6 decimals) get the Holders role.
  await replyTo(world, `/gate add ${mint.address} 1000 <@&${HOLDERS}>`, { admin: true });
});

const roleCalls = (method: "PUT" | "DELETE") =>
  discord.calls.filter(
    (call) =>
      call.method === method && call.path === `/guilds/${world.community}/members/${MEMBER}/roles/${HOLDERS}`,
  );

const accountOf = (wallet: { associatedAccount?: Address }): Address => {
  if (!wallet.associatedAccount) throw new Error("the wallet has no associated token account");
  return wallet.associatedAccount;
};

const gateId = async () =>
  (await repositories.gates.list({ platform: "discord", externalId: world.community }))[0]?.id;

describe("/verify on Discord", () => {
  it("is queued as a gate.verify job for any member", async () => {
    const result = await world.dispatch(invocationIn(world, "/verify", { member: MEMBER }));
    expect(result.kind).toBe("queued");
  });

  it("grants the role to a member holding enough over two wallets and several token accounts", async () => {
    // 400 + 150 + 50 in the first wallet (its associated account and two of its own), 450 in the second's
    // own account: no account and no wallet reaches 1,000 alone, together they hold 1,050.
    const first = await walletWith(solana, mint, 400_000_000n, 150_000_000n, 50_000_000n);
    const second = await walletWith(solana, mint, null, 450_000_000n);
    await linkWallets(database, world, MEMBER, [first, second]);

    const answer = await verify(world, MEMBER);
    expect(answer).toContain("Your linked wallets here (2):");
    expect(answer).not.toContain(first.address);
    expect(answer).toContain(`${first.address.slice(0, 4)}…${first.address.slice(-4)}`);
    expect(answer).toContain(
      `✅ Gate #${await gateId()} (<@&${HOLDERS}>): you hold 1050; 1000 needed. Role given.`,
    );
    expect(roleCalls("PUT")).toHaveLength(1);
    expect(discord.guilds.memberRoles(world.community, MEMBER)).toEqual([HOLDERS]);
    expect(await auditOf(database, world)).toEqual([
      {
        memberId: MEMBER,
        action: "granted",
        reason: "enough",
        holdings: "1050000000",
        gateId: await gateId(),
      },
    ]);

    // Checked again with the role in place: kept, and Discord is not asked to change anything.
    // The accounts the first check found are read with the associated ones now: enough, so not searched again.
    expect(await verify(world, MEMBER)).toContain("you hold at least 1050; 1000 needed.");
    expect(roleCalls("PUT")).toHaveLength(1);
    expect((await auditOf(database, world)).at(-1)?.action).toBe("kept");
  });

  it("removes the role once the member has been short for the grace period, and grants it back later", async () => {
    const wallet = await walletWith(solana, mint, 1_000_000_000n);
    await linkWallets(database, world, MEMBER, [wallet]);
    await verify(world, MEMBER);
    expect(discord.guilds.memberRoles(world.community, MEMBER)).toEqual([HOLDERS]);

    // One base unit short of the minimum: the role stays for the grace period (24 hours by default).
    await solana.setup.burn(mint, accountOf(wallet), wallet, 1n);
    const shortAt = world.clock.now;
    const warned = await verify(world, MEMBER);
    expect(warned).toContain("❌ Gate #");
    const graceEnds = new Date(shortAt.getTime() + 24 * 3_600_000)
      .toISOString()
      .slice(0, 16)
      .replace("T", " ");
    expect(warned).toContain(`You keep access until ${graceEnds} UTC; hold enough again by then to keep it.`);
    expect((await auditOf(database, world)).at(-1)).toMatchObject({ action: "grace", reason: "short" });
    world.clock.now = new Date(shortAt.getTime() + 23 * 3_600_000);
    expect(await verify(world, MEMBER)).toContain(`You keep access until ${graceEnds} UTC`);
    expect(roleCalls("DELETE")).toHaveLength(0);
    expect(discord.guilds.memberRoles(world.community, MEMBER)).toEqual([HOLDERS]);

    world.clock.now = new Date(shortAt.getTime() + 24 * 3_600_000);
    expect(await verify(world, MEMBER)).toContain("Role taken away.");
    expect(roleCalls("DELETE")).toHaveLength(1);
    expect(discord.guilds.memberRoles(world.community, MEMBER)).toEqual([]);
    expect((await auditOf(database, world)).at(-1)).toMatchObject({
      action: "removed",
      reason: "short",
      holdings: "999999999",
    });

    await solana.setup.mintTo(mint, accountOf(wallet), 1n);
    expect(await verify(world, MEMBER)).toContain("Role given.");
    expect((await auditOf(database, world)).at(-1)).toMatchObject({ action: "restored", reason: "enough" });
  });

  it("removes nobody when the RPC fails: the failure is audited and the check scheduled again", async () => {
    const wallet = await walletWith(solana, mint, 2_000_000_000n);
    await linkWallets(database, world, MEMBER, [wallet]);
    // The associated account alone reaches the highest minimum: nothing else is searched.
    expect(await verify(world, MEMBER)).toContain("you hold at least 2000; 1000 needed. Role given.");
    expect(discord.guilds.memberRoles(world.community, MEMBER)).toEqual([HOLDERS]);

    solana.failNext(20, { kind: "status", status: 500 });
    const answer = await verify(world, MEMBER);
    expect(answer).toContain("⏳ Gate #");
    expect(answer).toContain("Nothing was taken away: I'll check again in a few minutes.");
    expect(roleCalls("DELETE")).toHaveLength(0);
    expect(discord.guilds.memberRoles(world.community, MEMBER)).toEqual([HOLDERS]);
    expect((await auditOf(database, world)).at(-1)).toMatchObject({
      action: "check_failed",
      reason: "rpc_error",
      holdings: null,
    });
    expect(world.enqueued).toEqual([
      expect.objectContaining({
        name: "gate.recheck",
        payload: { community: expect.objectContaining({ externalId: world.community }), memberId: MEMBER },
        delayMs: 120_000,
      }),
    ]);

    // The re-check fails again while the chain cannot be read (the job system retries it), and counts.
    const recheck = world.enqueued[0]?.payload as JobPayload<"gate.recheck">;
    const context = { jobId: "recheck", attempt: 1, signal: new AbortController().signal };
    await expect(world.handlers["gate.recheck"](recheck, context)).rejects.toBeInstanceOf(
      GateCheckIncompleteError,
    );
    const failures = (await auditOf(database, world)).filter((entry) => entry.action === "check_failed");
    expect(failures).toHaveLength(2);

    // Once the chain answers, the re-check gets through: still enough, the role is kept.
    solana.clearFailures();
    await expect(world.handlers["gate.recheck"](recheck, context)).resolves.toEqual({
      outcome: "gate.rechecked",
    });
    expect((await auditOf(database, world)).at(-1)?.action).toBe("kept");
    expect(roleCalls("DELETE")).toHaveLength(0);
  });

  it("changes nothing without Manage Roles or with the role above the bot's, and says an admin must fix it", async () => {
    const wallet = await walletWith(solana, mint, 5_000_000_000n);
    await linkWallets(database, world, MEMBER, [wallet]);
    discord.guilds.addRole(world.community, { id: BOT_ROLE, name: "MemeBot", position: 5, permissions: 0n });
    expect(await verify(world, MEMBER)).toContain(
      "I can't change this role: an admin needs to fix my permissions (/gate audit says how).",
    );
    discord.guilds.addRole(world.community, {
      id: BOT_ROLE,
      name: "MemeBot",
      position: 1,
      permissions: MANAGE_ROLES,
    });
    await verify(world, MEMBER);
    expect(roleCalls("PUT")).toHaveLength(0);
    expect((await auditOf(database, world)).map((entry) => [entry.action, entry.reason])).toEqual([
      ["check_failed", "missing_manage_roles"],
      ["check_failed", "role_above_bot"],
    ]);
    const audit = await replyTo(world, "/gate audit", { admin: true });
    expect(audit).toContain("check failed — gate #");
    expect(audit).toContain("I lack the Manage Roles permission");
    expect(audit).toContain("the role is at or above my highest role");
  });

  it("tells a member without a linked wallet how to link one, and denies without asking the chain", async () => {
    solana.resetCounts();
    const answer = await verify(world, MEMBER);
    expect(answer).toContain("You haven't linked a wallet here yet: use /wallet link, then /verify again.");
    expect(answer).toContain("you hold 0; 1000 needed.");
    expect(solana.httpRequests).toBe(0);
    expect((await auditOf(database, world)).at(-1)).toMatchObject({ action: "denied", reason: "no_wallet" });
  });
});

describe("/gate audit", () => {
  it("shows admins the latest ten decisions, newest first, with mints shortened; members are refused", async () => {
    const wallet = await walletWith(solana, mint, 3_000_000_000n);
    await linkWallets(database, world, MEMBER, [wallet]);
    for (let check = 0; check < 11; check += 1) await verify(world, MEMBER);
    const audit = await replyTo(world, "/gate audit", { admin: true });
    const lines = audit.split("\n");
    expect(lines[0]).toBe("Latest gate decisions, newest first (10):");
    expect(lines).toHaveLength(11);
    expect(lines[1]).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC — <@${MEMBER}> — kept — gate #\\d+ \\(\\w{4}…\\w{4}\\) — holds enough; held 3000$`,
      ),
    );
    expect(lines.at(-1)).toContain("— kept —");
    expect(audit).not.toContain(mint.address);
    expect(audit).not.toContain(wallet.address);
    expect(await replyTo(world, "/gate audit", { member: MEMBER })).toBe(
      `Only admins of this community can do that (${translate("en", "permission.discord")}).`,
    );
  });
});
