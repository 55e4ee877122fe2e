// `pnpm bench:gate`: a full re-verification pass over BENCH_MEMBERS (10,000) Discord members with
// linked wallets (a third of them two) and two gates (an SPL Token mint and a Token-2022 mint, a
// role each), as the worker runs it: the sweep starts the pass, and its pages run as `gate.pass` jobs
// through BullMQ on this machine's Redis, over a scratch PostgreSQL database, the local Solana RPC
// (LiteSVM, in a process of its own: gate-chain-process.ts) and the fake Discord (its members listed
// 1,000 a request). Pages follow each other at once
// here (production spreads them over half the interval). The RPC is paced as production paces it
// (SOLANA_RPC_REQUESTS_PER_SECOND), at BENCH_RPS: 100 by default, a paid endpoint's allowance. The
// public endpoint's 10 a second cannot carry a 10,000-member pass in 30 s whatever the code does (the
// associated accounts alone are 267 requests), so the line also says how long its pacing would take.
//
// Two passes: the first with no state yet (every member's standing read from Discord), the second six
// hours later after 1% of members sold below a minimum and 1% bought enough. Prints wallets re-verified
// per second, RPC requests per wallet (on the associated-account path, and in all) and the time of each
// pass; exits 1 when a pass takes 30 s or more or the associated path costs over 0.05 requests a wallet.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import {
  createGateChain,
  createRegistry,
  createSettingsModel,
  createSettingsStore,
  jobCatalog,
  walletLinkSettingsOf,
  type CommunityRef,
  type GateSweepResult,
  type JobName,
} from "@memebot/core";
import { createRepositories } from "@memebot/db";
import { createDiscordRoleAccess } from "@memebot/delivery";
import { createJobProducer, createJobWorker, type JobHandlers } from "@memebot/jobs";
import { createGatingHandlers } from "../../apps/worker/src/gating.ts";
import { startFakeDiscord } from "../fakes/discord/server.ts";
import { MANAGE_ROLES } from "../fakes/discord/guilds.ts";
import { benchDatabase } from "./bench-database.ts";
import { GATE_MINIMUMS, isShortMember, type ChainSetup } from "./gate-chain-process.ts";

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 10_000);
const RPS = Number(process.env.BENCH_RPS ?? 100);
const PUBLIC_RPS = 10;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const PASS_GOAL_SECONDS = 30;
const ASSOCIATED_GOAL = 0.05;
const BOT_TOKEN = "bench-bot-token";
const GUILD = "1300000000000000000";
const BOT_ROLE = "1300000000000000001";
const ROLES = ["1300000000000000002", "1300000000000000003"] as const;
const HOUR = 3_600_000;

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
/** The chain's process: its set-up, and a command's one-line answer. */
async function startChain() {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("./gate-chain-process.ts", import.meta.url)), "--serve"],
    { stdio: ["pipe", "pipe", "inherit"], env: { ...process.env, BENCH_MEMBERS: String(MEMBERS) } },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error("the chain process stopped");
    return JSON.parse(line.value) as unknown;
  };
  const setup = (await next()) as ChainSetup;
  return {
    setup,
    ask: async (command: "counts" | "reset" | "change") => {
      child.stdin.write(`${command}\n`);
      return (await next()) as Record<string, number>;
    },
    stop: async () => {
      child.stdin.end();
      await once(child, "exit");
    },
  };
}

const setupStarted = Date.now();
const chainProcess = await startChain();
const discord = await startFakeDiscord();
const { database, drop } = await benchDatabase("bench_gate");
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const prefix = `bench-gate-${randomUUID()}`;
let failed = false;
try {
  const repositories = createRepositories(database.prisma, { scrubText: (text) => text });
  const community: CommunityRef = { platform: "discord", externalId: GUILD, title: "Bench", kind: "group" };
  const { mints } = chainProcess.setup;

  // The server: the bot above both gated roles, with Manage Roles.
  discord.guilds.addGuild(GUILD);
  discord.guilds.addRole(GUILD, { id: BOT_ROLE, name: "Bot", position: 10, permissions: MANAGE_ROLES });
  ROLES.forEach((id, index) =>
    discord.guilds.addRole(GUILD, { id, name: `Tier ${index}`, position: 2 + index }),
  );
  discord.guilds.setMember(GUILD, discord.botUser.id, [BOT_ROLE]);
  for (const [index, mint] of mints.entries()) {
    const added = await repositories.gates.add({
      community,
      mint: mint.address,
      program: mint.program,
      decimals: mint.decimals,
      minAmount: GATE_MINIMUMS[index] as bigint,
      roleId: ROLES[index] as string,
      createdBy: "bench",
    });
    if (!added.ok) throw new Error(`could not add gate ${index}: ${added.reason}`);
  }

  // Members: ids in snowflake order, their wallets as the chain's process made them; roles as a bot
  // before this one left them: those who hold have both.
  const members = chainProcess.setup.wallets.map((wallets, index) => ({
    id: String(1_400_000_000_000_000_000n + BigInt(index)),
    wallets,
  }));
  for (const [index, member] of members.entries())
    discord.guilds.setMember(GUILD, member.id, isShortMember(index) ? [] : [...ROLES]);
  const wallets = members.reduce((total, member) => total + member.wallets.length, 0);
  // The community's row exists since its gates were added.
  const { id: communityId } = await database.prisma.community.findUniqueOrThrow({
    where: { platform_externalId: { platform: "discord", externalId: GUILD } },
  });
  await database.prisma.walletLink.createMany({
    data: members.flatMap((member) =>
      member.wallets.map((address) => ({ communityId, memberId: member.id, address })),
    ),
  });
  log(
    `set up ${MEMBERS} members, ${wallets} linked wallets, 2 gates (SPL Token, Token-2022) in ` +
      `${((Date.now() - setupStarted) / 1000).toFixed(1)} s; RPC paced at ${RPS} requests/s`,
  );

  // The worker's gate handlers, as apps/worker builds them, with pages at once and a movable clock.
  const clock = { offsetMs: 0 };
  const now = () => new Date(Date.now() + clock.offsetMs);
  const chain = createGateChain({ urls: [chainProcess.setup.url], requestsPerSecond: RPS });
  const producer = createJobProducer({ connection: redis, prefix });
  const gating = createGatingHandlers({
    repositories,
    chain,
    discord: createDiscordRoleAccess({ apiBase: discord.apiBase, botToken: BOT_TOKEN }),
    settings: createSettingsStore({
      repository: repositories.communities,
      model: createSettingsModel(createRegistry().all),
    }),
    walletLinks: walletLinkSettingsOf(undefined),
    jobs: producer,
    deliver: async () => {},
    runs: repositories.commandRuns,
    spreadPasses: false,
    now,
  });
  const loud = (name: string) => async () => {
    throw new Error(`the benchmark queues no ${name} job`);
  };
  const handlers = {
    ...Object.fromEntries(Object.keys(jobCatalog).map((name) => [name, loud(name)])),
    ...gating,
  } as JobHandlers;
  const quiet = {
    info: () => {},
    warn: () => {},
    error: (object: object, message: string) => log(`worker error: ${message} ${JSON.stringify(object)}`),
  };
  const worker = createJobWorker({
    connection: redis,
    prefix,
    concurrency: 1,
    lockDurationMs: 60_000,
    handlers,
    onFinalFailure: (name: JobName, _payload, error) => log(`${name} failed: ${String(error)}`),
    logger: quiet,
    scrubText: (text) => text,
  });

  const context = { jobId: "sweep", attempt: 1, signal: new AbortController().signal };
  for (const pass of ["first pass (no state yet)", "re-verification, 6 hours later"]) {
    await chainProcess.ask("reset");
    const discordCallsBefore = discord.calls.length;
    const auditBefore = await database.prisma.gateAudit.count();
    const started = performance.now();
    const swept = (await gating["gate.sweep"]({ reason: "schedule" }, context)) as GateSweepResult;
    if (swept.started !== 1) throw new Error(`the sweep started ${swept.started} passes`);
    for (;;) {
      const state = await repositories.gates.passOf(community);
      if (state?.finishedAt) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    const state = await repositories.gates.passOf(community);
    const calls = await chainProcess.ask("counts");
    const associated = calls.getMultipleAccounts ?? 0;
    const byOwner = calls.getTokenAccountsByOwner ?? 0;
    const all = Object.values(calls).reduce((total, count) => total + count, 0);
    const discordCalls = discord.calls.slice(discordCallsBefore);
    const changes = await database.prisma.gateAudit.groupBy({
      by: ["action"],
      where: { id: { gt: BigInt(auditBefore) } },
      _count: true,
    });
    log(
      `${pass}: ${seconds.toFixed(1)} s for ${state?.checked} members (${(wallets / seconds).toFixed(0)} wallets/s); ` +
        `RPC per wallet: ${(associated / wallets).toFixed(4)} on the associated path (${associated} getMultipleAccounts), ` +
        `${(all / wallets).toFixed(4)} in all (${byOwner} getTokenAccountsByOwner; paced at ` +
        `${PUBLIC_RPS}/s they would take ${(all / PUBLIC_RPS).toFixed(0)} s); ` +
        `Discord: ${discordCalls.filter((call) => call.method === "GET").length} reads, ` +
        `${discordCalls.filter((call) => call.method !== "GET").length} role changes; audited: ` +
        (changes.map((change) => `${change._count} ${change.action}`).join(", ") || "nothing"),
    );
    if (seconds >= PASS_GOAL_SECONDS || associated / wallets > ASSOCIATED_GOAL || state?.failed !== 0)
      failed = true;

    // Between passes: 1% sell below the first minimum, 1% of the short members buy enough.
    await chainProcess.ask("change");
    clock.offsetMs += 6 * HOUR;
  }
  await worker.close();
  await producer.close();
  log(
    failed
      ? `goal missed: a full pass in under ${PASS_GOAL_SECONDS} s, at most ${ASSOCIATED_GOAL} associated-path requests a wallet, no failed checks`
      : `goals met: a full pass in under ${PASS_GOAL_SECONDS} s, at most ${ASSOCIATED_GOAL} associated-path requests a wallet`,
  );
} finally {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await database.close();
  await drop();
  await discord.close();
  await chainProcess.stop();
}
process.exit(failed ? 1 : 0);
