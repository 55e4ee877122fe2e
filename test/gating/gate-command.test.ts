// /gate add|list|remove through the dispatcher, over the fake Solana RPC and the fake Discord: mints
// of both token programs have their decimals read from the chain, minimums are stored exactly in
// base units, and every mistake (a bad or missing mint, a bad amount, an RPC that is down, an
// unknown role, a member who is not an admin) is refused with nothing saved.
import { randomBytes } from "node:crypto";
import { getAddressDecoder } from "@solana/kit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRepositories, type Database } from "@memebot/db";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord/server.ts";
import { MANAGE_ROLES } from "../fakes/discord/guilds.ts";
import { startFakeSolanaRpc, type FakeMint, type FakeSolanaRpc } from "../fakes/solana-rpc.ts";
import { REDIS_URL } from "../jobs/support.ts";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";
import { auditOf, gateWorld, linkWallets, replyTo, verify, walletWith, type GateWorld } from "./support.ts";

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
let database: Database;
let repositories: ReturnType<typeof createRepositories>;
let solana: FakeSolanaRpc;
let discord: FakeDiscord;
let splMint: FakeMint;
let mint2022: FakeMint;
let world: GateWorld;

const randomAddress = () => getAddressDecoder().decode(randomBytes(32));

beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
  solana = await startFakeSolanaRpc();
  discord = await startFakeDiscord();
  splMint = await solana.setup.createMint({ program: "spl-token", decimals: 6 });
  mint2022 = await solana.setup.createMint({ program: "token-2022", decimals: 9 });
});

afterAll(async () => {
  await discord.close();
  await solana.close();
  await database.close();
  await redis.quit();
});

const storedGates = () =>
  database.prisma.tokenGate.findMany({
    where: { community: { platform: world.platform, externalId: world.community } },
    orderBy: { id: "asc" },
  });

describe("/gate on Telegram (the group itself)", () => {
  beforeEach(async (context) => {
    world = await gateWorld({ platform: "telegram", redis, repositories, solana });
    context.onTestFinished(() => world.close());
    solana.clearFailures();
  });

  it("reads decimals and program from the chain for both token programs and stores exact base units", async () => {
    const adminChecks: unknown[] = [];
    expect(await replyTo(world, `/gate add ${splMint.address} 1.5`, { admin: true, adminChecks })).toBe(
      `Gate #${(await storedGates())[0]?.id} set: holders of at least 1.5 of ${splMint.address.slice(0, 4)}…${splMint.address.slice(-4)} get this group (SPL Token, 6 decimals, read from the chain).`,
    );
    expect(adminChecks).toEqual([{ fresh: true }]);
    // The largest u64, to the last unit: it does not fit PostgreSQL's bigint.
    expect(
      await replyTo(world, `/gate add ${mint2022.address} 18446744073.709551615`, { admin: true }),
    ).toContain("(Token-2022, 9 decimals, read from the chain)");
    const rows = await storedGates();
    expect(rows.map((row) => [row.program, row.decimals, row.minAmount.toFixed(0), row.roleId])).toEqual([
      ["spl-token", 6, "1500000", null],
      ["token-2022", 9, "18446744073709551615", null],
    ]);
    const listed = await replyTo(world, "/gate list");
    expect(listed).toContain("Token gates here (2 of 10):");
    expect(listed).toContain("holders of at least 1.5 of");
    expect(listed).toContain("holders of at least 18446744073.709551615 of");
    expect(listed).toContain(`mint ${mint2022.address}`);
    expect(
      (await repositories.gates.list({ platform: "telegram", externalId: world.community })).map(
        (g) => g.minAmount,
      ),
    ).toEqual([1_500_000n, 2n ** 64n - 1n]);
  });

  it("refuses a bad mint address, a mint not on chain, an account that is no mint, and saves nothing", async () => {
    expect(await replyTo(world, "/gate add notamint 100", { admin: true })).toBe(
      "“notamint” isn't a Solana address: give the token's mint address (base58, 32–44 characters).",
    );
    const missing = randomAddress();
    expect(await replyTo(world, `/gate add ${missing} 100`, { admin: true })).toBe(
      `There is no account at ${missing} on Solana: check the mint address. Nothing was saved.`,
    );
    const wallet = await solana.setup.wallet();
    expect(await replyTo(world, `/gate add ${wallet.address} 100`, { admin: true })).toContain(
      `${wallet.address} isn't a token mint`,
    );
    expect(await storedGates()).toEqual([]);
  });

  it("refuses amounts with too many decimals, not numbers, grouped, zero or beyond a u64", async () => {
    const refusals = {
      "1.0000001": `${splMint.address.slice(0, 4)}…${splMint.address.slice(-4)} has 6 decimals: “1.0000001” has more.`,
      abc: "“abc” isn't an amount: write digits with at most one decimal point, e.g. 1000 or 0.5.",
      "1e6": "“1e6” isn't an amount: write digits with at most one decimal point, e.g. 1000 or 0.5.",
      "1,000": "Write “1,000” without separators, e.g. 1000000 or 1.5.",
      "0": "The minimum must be more than zero.",
      "18446744073709.551616": "“18446744073709.551616” is more than any wallet can hold of this token.",
    };
    for (const [amount, refusal] of Object.entries(refusals))
      expect(await replyTo(world, `/gate add ${splMint.address} ${amount}`, { admin: true })).toBe(refusal);
    // Trailing zeros beyond the decimals change nothing, so they are fine.
    expect(await replyTo(world, `/gate add ${splMint.address} 2.0000000`, { admin: true })).toContain(
      "at least 2 of",
    );
    expect((await storedGates()).map((row) => row.minAmount.toFixed(0))).toEqual(["2000000"]);
  });

  it("says to try again when the RPC is down, and saves nothing", async () => {
    solana.failNext(5, { kind: "status", status: 503 });
    expect(await replyTo(world, `/gate add ${splMint.address} 100`, { admin: true })).toBe(
      "I couldn't reach the Solana network just now, so nothing was saved. Try again in a minute.",
    );
    expect(await storedGates()).toEqual([]);
  });

  it("refuses members: add, remove and audit are for admins, asked afresh, before the chain is read", async () => {
    solana.resetCounts();
    const adminChecks: unknown[] = [];
    for (const command of [`/gate add ${splMint.address} 100`, "/gate remove 1", "/gate audit"]) {
      expect(await replyTo(world, command, { adminChecks })).toBe(
        "Only admins of this community can do that (Telegram chat administrators).",
      );
    }
    expect(adminChecks).toEqual([{ fresh: true }, { fresh: true }, { fresh: true }]);
    expect(solana.calls.getAccountInfo ?? 0).toBe(0);
    expect(await storedGates()).toEqual([]);
  });

  it("refuses a role on Telegram, a duplicate gate, and more than ten gates; removes by number", async () => {
    expect(await replyTo(world, `/gate add ${splMint.address} 100 <@&123456789>`, { admin: true })).toBe(
      "Here the gate is the group itself: /gate add <mint> <min amount>, without a role.",
    );
    await replyTo(world, `/gate add ${splMint.address} 100`, { admin: true });
    const [first] = await storedGates();
    expect(await replyTo(world, `/gate add ${splMint.address} 200`, { admin: true })).toBe(
      `That gate is already set: #${first?.id}. Remove it first to change its amount.`,
    );
    // Straight into storage: ten commands in a row would meet the member's per-minute limit.
    for (let index = 0; index < 9; index += 1) {
      await repositories.gates.add({
        community: { platform: "telegram", externalId: world.community },
        mint: randomAddress(),
        program: "spl-token",
        decimals: 0,
        minAmount: 1n,
        roleId: null,
        createdBy: "admin-1",
      });
    }
    const extra = await solana.setup.createMint({ program: "spl-token", decimals: 0 });
    expect(await replyTo(world, `/gate add ${extra.address} 1`, { admin: true })).toBe(
      "This community has 10 gates already: remove one first (/gate remove <number>).",
    );
    expect(await replyTo(world, `/gate remove ${first?.id}`, { admin: true })).toBe(
      `Gate #${first?.id} removed. Roles it gave stay until someone takes them away.`,
    );
    expect(await replyTo(world, `/gate remove ${first?.id}`, { admin: true })).toBe(
      `There is no gate #${first?.id} here: /gate list shows this community's gates.`,
    );
    expect(await storedGates()).toHaveLength(9);
  });
});

describe("/verify on Telegram (the group itself)", () => {
  beforeEach(async (context) => {
    world = await gateWorld({ platform: "telegram", redis, repositories, solana });
    context.onTestFinished(() => world.close());
  });

  it("answers per gate with amounts in the mint's decimals; one decision for the group, where any gate lets in", async () => {
    await replyTo(world, `/gate add ${splMint.address} 2.5`, { admin: true });
    await replyTo(world, `/gate add ${mint2022.address} 1`, { admin: true });
    const [spl, t22] = await storedGates();
    const holder = await walletWith(solana, splMint, 2_500_000n);
    await linkWallets(database, world, "77", [holder]);
    const answer = await verify(world, "77");
    expect(answer.split("\n")).toEqual([
      `Your linked wallets here (1): ${holder.address.slice(0, 4)}…${holder.address.slice(-4)}.`,
      `✅ Gate #${spl?.id} (this group): you hold at least 2.5; 2.5 needed.`,
      `❌ Gate #${t22?.id} (this group): you hold 0; 1 needed.`,
    ]);
    expect(
      (await auditOf(database, world)).map((entry) => [entry.action, entry.reason, entry.holdings]),
    ).toEqual([["kept", "enough", "2500000"]]);
  });
});

describe("/gate on Discord (a role)", () => {
  const BOT_ROLE = "900000000000000001";
  const HOLDERS = "900000000000000002";
  const MODS = "900000000000000003";

  beforeEach(async (context) => {
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
    discord.guilds.addRole(world.community, { id: MODS, name: "Mods", position: 8 });
    discord.guilds.setMember(world.community, discord.botUser.id, [BOT_ROLE]);
  });

  it("takes a role mention or id that exists in the server", async () => {
    expect(await replyTo(world, `/gate add ${splMint.address} 1000 <@&${HOLDERS}>`, { admin: true })).toMatch(
      new RegExp(
        `^Gate #\\d+ set: holders of at least 1000 of .+ get <@&${HOLDERS}> \\(SPL Token, 6 decimals`,
      ),
    );
    expect(await replyTo(world, `/gate add ${mint2022.address} 0.5 ${HOLDERS}`, { admin: true })).toContain(
      `get <@&${HOLDERS}> (Token-2022, 9 decimals`,
    );
    expect((await storedGates()).map((row) => [row.roleId, row.minAmount.toFixed(0)])).toEqual([
      [HOLDERS, "1000000000"],
      [HOLDERS, "500000000"],
    ]);
    expect(discord.calls.some((call) => call.path === `/guilds/${world.community}/roles`)).toBe(true);
  });

  it("requires a role, refuses one the server does not have, and says so when Discord is down", async () => {
    expect(await replyTo(world, `/gate add ${splMint.address} 1000`, { admin: true })).toContain(
      "Use /gate add <mint> <min amount> <role>",
    );
    expect(await replyTo(world, `/gate add ${splMint.address} 1000 @Holders`, { admin: true })).toContain(
      "isn't a role: mention it (@Holders) or give its id.",
    );
    expect(
      await replyTo(world, `/gate add ${splMint.address} 1000 <@&900000000000000099>`, { admin: true }),
    ).toBe("This server has no role with the id 900000000000000099.");
    discord.failNext(
      { method: "GET", path: "/guilds/:guild/roles" },
      { status: 500, body: { message: "500", code: 0 } },
    );
    expect(await replyTo(world, `/gate add ${splMint.address} 1000 <@&${HOLDERS}>`, { admin: true })).toBe(
      "Discord didn't answer when I checked the role, so nothing was saved. Try again in a minute.",
    );
    expect(await storedGates()).toEqual([]);
  });

  it("tells admins clearly when the bot lacks Manage Roles or the role is above the bot's", async () => {
    expect(await replyTo(world, `/gate add ${splMint.address} 1 <@&${MODS}>`, { admin: true })).toContain(
      `⚠️ I can't give or take <@&${MODS}> yet: it sits at or above my highest role. Server Settings → Roles → drag my role above <@&${MODS}>.`,
    );
    discord.guilds.addRole(world.community, { id: BOT_ROLE, name: "MemeBot", position: 5, permissions: 0n });
    expect(await replyTo(world, `/gate add ${splMint.address} 1 <@&${HOLDERS}>`, { admin: true })).toContain(
      `⚠️ I can't give or take <@&${HOLDERS}> yet: my role lacks the Manage Roles permission.`,
    );
    // Saved all the same: the admins fix the permission, and the next check grants the role.
    expect(await storedGates()).toHaveLength(2);
  });
});
