// Token gate tests' common set-up: the fake Solana RPC (mints, wallets, balances), the fake Discord
// (guild roles and members), this run's PostgreSQL and Redis, a dispatcher with the gate service as
// the bot builds it, and the worker's gate handlers with a recording delivery.
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import type { Redis } from "ioredis";
import { gateServiceOf } from "@memebot/bot";
import {
  createGateChain,
  createRegistry,
  createSettingsModel,
  createSettingsStore,
  walletLinkSettingsOf,
  type CommandInvocation,
  type Dispatch,
  type GateChain,
  type JobPayload,
  type OutgoingMessage,
  type ReplyTarget,
} from "@memebot/core";
import { openDatabase, type Database, type Repositories } from "@memebot/db";
import { createDiscordRoleAccess, createTelegramGroupAccess } from "@memebot/delivery";
import { createJobProducer } from "@memebot/jobs";
import type { Address } from "@solana/kit";
import { createGatingHandlers } from "../../apps/worker/src/gating.ts";
import type { FakeDiscord } from "../fakes/discord/server.ts";
import type { FakeMint, FakeSolanaRpc, FakeWallet } from "../fakes/solana-rpc.ts";
import { deletePrefix } from "../jobs/support.ts";
import { createScratchDatabase } from "../support/database.ts";
import { testDispatcher } from "../support/dispatcher.ts";
import { uniqueSnowflake } from "../support/unique-ids.ts";

export const BOT_TOKEN = "fake-bot-token";

export interface GateWorld {
  platform: "discord" | "telegram";
  community: string;
  dispatch: Dispatch;
  chain: GateChain;
  /** What the worker's handlers delivered, in order. */
  delivered: Array<{ target: ReplyTarget; message: OutgoingMessage; key: string }>;
  /** Jobs the handlers enqueued (gate.recheck). */
  enqueued: Array<{ name: string; payload: unknown; jobId: string; delayMs?: number }>;
  handlers: ReturnType<typeof createGatingHandlers>;
  /** The worker's clock: tests move it forward (grace periods, pass intervals). */
  clock: { now: Date };
  close(): Promise<void>;
}

export async function gateWorld(options: {
  platform: "discord" | "telegram";
  redis: Redis;
  repositories: Repositories;
  solana: FakeSolanaRpc;
  discord?: FakeDiscord;
  /** The fake Telegram's API: the Telegram group's access for /gate and the worker. */
  telegram?: { apiBase: string; botToken: string };
  /** The community's id (a fake Telegram group's); a fresh one by default. */
  community?: string;
  /** The verification page's base, for join requests' links. */
  publicUrl?: string;
  passPageSize?: number;
}): Promise<GateWorld> {
  const { redis, repositories, solana, discord, platform } = options;
  const prefix = `test-gates-${randomUUID()}`;
  const community =
    options.community ??
    (platform === "discord" ? uniqueSnowflake() : `-100${Date.now()}${Math.floor(Math.random() * 1e6)}`);
  const chain = createGateChain({
    urls: [solana.url],
    requestsPerSecond: 10_000,
    burst: 100,
    cooldownMs: 0,
    timeoutMs: 2_000,
  });
  const producer = createJobProducer({ connection: redis, prefix });
  const discordAccess = discord ? { apiBase: discord.apiBase, botToken: BOT_TOKEN } : undefined;
  const gates = gateServiceOf(repositories, {
    chain,
    ...(discordAccess ? { discord: discordAccess } : {}),
    ...(options.telegram ? { telegram: options.telegram } : {}),
  });
  const dispatch = testDispatcher({ redis, prefix, repositories, jobs: producer, gates });
  const delivered: GateWorld["delivered"] = [];
  const enqueued: GateWorld["enqueued"] = [];
  const clock = { now: new Date() };
  const handlers = createGatingHandlers({
    repositories,
    chain,
    ...(discordAccess ? { discord: createDiscordRoleAccess(discordAccess) } : {}),
    ...(options.telegram ? { telegram: createTelegramGroupAccess(options.telegram) } : {}),
    // Uncached, so a test's /config change is seen by the next check.
    settings: createSettingsStore({
      repository: repositories.communities,
      model: createSettingsModel(createRegistry().all),
      ttlMs: 0,
    }),
    walletLinks: walletLinkSettingsOf(options.publicUrl),
    ...(options.passPageSize ? { passPageSize: options.passPageSize } : {}),
    now: () => clock.now,
    jobs: {
      enqueue: async (name, payload, enqueueOptions) => {
        enqueued.push({ name, payload, ...enqueueOptions });
        return { jobId: enqueueOptions.jobId };
      },
    },
    deliver: async (target, message, key) => {
      delivered.push({ target, message, key });
    },
    runs: repositories.commandRuns,
  });
  return {
    platform,
    community,
    dispatch,
    chain,
    delivered,
    enqueued,
    handlers,
    clock,
    async close() {
      await producer.close();
      await deletePrefix(redis, prefix);
    },
  };
}

let counter = 0;

export function invocationIn(
  world: GateWorld,
  text: string,
  options: { admin?: boolean; member?: string; adminChecks?: unknown[] } = {},
): CommandInvocation {
  counter += 1;
  const match = /^\/(\S+)\s*(.*)$/s.exec(text);
  const member = options.member ?? "admin-1";
  const target: ReplyTarget =
    world.platform === "discord"
      ? { platform: "discord", applicationId: "1190000000000000001", interactionToken: `token-${counter}` }
      : { platform: "telegram", chatId: world.community, replyToMessageId: counter };
  return {
    key: world.platform === "discord" ? uniqueSnowflake() : `test:${world.community}:${counter}`,
    platform: world.platform,
    community: { platform: world.platform, externalId: world.community, title: "Gated", kind: "group" },
    actor: { platform: world.platform, externalId: member },
    name: (match?.[1] ?? "").toLowerCase(),
    args: { kind: "text", text: match?.[2] ?? "" },
    addressed: true,
    target,
    receivedAt: Date.now(),
    isAdmin: async (check) => {
      options.adminChecks?.push(check);
      return options.admin ?? false;
    },
  };
}

/** The text of the command's reply (or its error, in the community's language). */
export async function replyTo(
  world: GateWorld,
  text: string,
  options: { admin?: boolean; member?: string; adminChecks?: unknown[] } = {},
): Promise<string> {
  const result = await world.dispatch(invocationIn(world, text, options));
  if (result.kind !== "reply") throw new Error(`expected a reply, got ${result.kind}`);
  await result.complete();
  return result.message.text;
}

/** Runs /verify's job for `member` as the worker would, and returns its answer. */
export async function verify(world: GateWorld, member: string): Promise<string> {
  const invocation = invocationIn(world, "/verify", { member });
  const payload: JobPayload<"gate.verify"> = {
    run: {
      key: invocation.key,
      command: "verify",
      args: "",
      community: invocation.community,
      actor: invocation.actor,
      target: invocation.target,
      language: "en",
      receivedAt: invocation.receivedAt,
    },
  };
  const before = world.delivered.length;
  await world.handlers["gate.verify"](payload, {
    jobId: payload.run.key,
    attempt: 1,
    signal: new AbortController().signal,
  });
  const answer = world.delivered[before];
  if (!answer) throw new Error("/verify delivered nothing");
  return answer.message.text;
}

/** Links wallets to a member of the world's community, as a completed /wallet link leaves them. */
export async function linkWallets(
  database: Database,
  world: GateWorld,
  member: string,
  wallets: ReadonlyArray<FakeWallet | Address>,
): Promise<void> {
  for (const wallet of wallets) {
    await database.prisma.walletLink.create({
      data: {
        community: {
          connectOrCreate: {
            where: { platform_externalId: { platform: world.platform, externalId: world.community } },
            create: { platform: world.platform, externalId: world.community },
          },
        },
        memberId: member,
        address: typeof wallet === "string" ? wallet : wallet.address,
      },
    });
  }
}

/** A wallet holding `associated` in its associated account and `extra` in accounts of its own. */
export async function walletWith(
  solana: FakeSolanaRpc,
  mint: FakeMint,
  associated: bigint | null,
  ...extra: bigint[]
): Promise<FakeWallet & { associatedAccount?: Address }> {
  const wallet = await solana.setup.wallet();
  let associatedAccount: Address | undefined;
  if (associated !== null) {
    associatedAccount = await solana.setup.associatedTokenAccount(mint, wallet.address);
    if (associated > 0n) await solana.setup.mintTo(mint, associatedAccount, associated);
  }
  for (const amount of extra) {
    const account = await solana.setup.extraTokenAccount(mint, wallet.address);
    await solana.setup.mintTo(mint, account, amount);
  }
  return { ...wallet, ...(associatedAccount ? { associatedAccount } : {}) };
}

export const auditOf = (database: Database, world: GateWorld) =>
  database.prisma.gateAudit.findMany({
    where: { community: { platform: world.platform, externalId: world.community } },
    orderBy: { id: "asc" },
    select: { memberId: true, action: true, reason: true, holdings: true, gateId: true },
  });

/** Runs the queued jobs of `name` (and those they queue) as the worker would, oldest first, until none is left. */
export async function runQueued(
  world: GateWorld,
  name: "gate.pass" | "gate.recheck",
): Promise<Array<{ payload: unknown; result: unknown }>> {
  const ran: Array<{ payload: unknown; result: unknown }> = [];
  for (;;) {
    const index = world.enqueued.findIndex((job) => job.name === name);
    if (index < 0) return ran;
    const [job] = world.enqueued.splice(index, 1);
    const context = { jobId: job?.jobId ?? "", attempt: 1, signal: new AbortController().signal };
    const handler = world.handlers[name] as (payload: unknown, context: unknown) => Promise<unknown>;
    ran.push({ payload: job?.payload, result: await handler(job?.payload, context) });
  }
}

/**
 * A migrated database of the file's own: sweeps go over every community with gates, so a file that
 * runs them must not see (or start passes for) other files' communities in the shared test database.
 */
export async function openOwnDatabase(): Promise<Database> {
  const scratch = await createScratchDatabase("memebot_gates");
  const database = await openDatabase({ databaseUrl: scratch.url, dataDir: tmpdir(), migrate: true });
  return {
    ...database,
    close: async () => {
      await database.close();
      await scratch.drop();
    },
  };
}
