// Wallet linking by signed message, over this run's PostgreSQL and Redis with real Ed25519 keys:
// /wallet through the dispatcher as the bot builds it, and the use cases the verification page will
// call (by link token, with the message the wallet signed). Every refusal is a stable id, answered
// privately, and recorded.
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { buildSiwsMessage, encodeBase58, parseSiwsMessage } from "@memebot/solana";
import {
  completeWalletLink,
  startWalletLink,
  walletLinkMessage,
  walletLinkSettingsOf,
  walletRecordedArgs,
  type CommandInvocation,
  type Dispatch,
  type DispatchResult,
  type WalletLinkDependencies,
} from "@memebot/core";
import { createRepositories, type Database } from "@memebot/db";
import { createJobProducer } from "@memebot/jobs";
import { deletePrefix, REDIS_URL } from "../jobs/support.ts";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";
import { testDispatcher } from "../support/dispatcher.ts";
import { uniqueSnowflake } from "../support/unique-ids.ts";
import { newWallet, type TestWallet } from "./keys.ts";

const PUBLIC_URL = "https://bot.example.com";
const MINUTE = 60_000;

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
let database: Database;
let repositories: ReturnType<typeof createRepositories>;
let dispatch: Dispatch;
let prefix: string;
let guild: string;
/** The clock the wallet use cases read; tests move it. */
let now: Date;
let wallets: WalletLinkDependencies;

beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
});
afterAll(async () => {
  await database.close();
  await redis.quit();
});

beforeEach((context) => {
  prefix = `test-wallet-${randomUUID()}`;
  guild = uniqueSnowflake();
  now = new Date();
  wallets = {
    store: repositories.wallets,
    settings: walletLinkSettingsOf(PUBLIC_URL),
    now: () => new Date(now),
  };
  const producer = createJobProducer({ connection: redis, prefix });
  dispatch = testDispatcher({ redis, prefix, repositories, jobs: producer, wallets });
  context.onTestFinished(async () => {
    await producer.close();
    await deletePrefix(redis, prefix);
  });
});

let counter = 0;
/** `/wallet …` typed by `member` in this test's Discord guild (or a Telegram group). */
function invocation(
  member: string,
  text: string,
  options: { telegramGroup?: boolean } = {},
): CommandInvocation {
  counter += 1;
  const match = /^\/(\S+)\s*(.*)$/s.exec(text);
  const platform = options.telegramGroup ? "telegram" : "discord";
  return {
    key: `test:${prefix}:${counter}`,
    platform,
    community: { platform, externalId: guild, title: "Wallet guild", kind: "group" },
    actor: { platform, externalId: member, username: `user-${member}` },
    name: (match?.[1] ?? "").toLowerCase(),
    args: { kind: "text", text: match?.[2] ?? "" },
    addressed: true,
    target: options.telegramGroup
      ? { platform: "telegram", chatId: guild }
      : { platform: "discord", applicationId: "1", interactionToken: `token-${counter}` },
    receivedAt: Date.now(),
    isAdmin: async () => false,
  };
}

type Reply = Extract<DispatchResult, { kind: "reply" }>;
async function run(member: string, text: string, options: { telegramGroup?: boolean } = {}): Promise<Reply> {
  const result = await dispatch(invocation(member, text, options));
  if (result.kind !== "reply") throw new Error(`expected a reply, got ${result.kind}`);
  return result;
}

/** The message a `/wallet link <address>` answer asks to sign: the lines between the blank lines. */
function messageIn(reply: Reply): string {
  const match = /\n\n([\s\S]+?)\n\nThen send/.exec(reply.message.text);
  if (!match?.[1]) throw new Error(`no message in: ${reply.message.text}`);
  return match[1];
}

/** `/wallet link <address>` by `member`: the exact message to sign. */
async function askToLink(member: string, wallet: TestWallet): Promise<string> {
  const reply = await run(member, `/wallet link ${wallet.address}`);
  expect(reply.outcome).toBe("wallet.link.message");
  return messageIn(reply);
}

const community = () => ({ platform: "discord" as const, externalId: guild });
/** The gate checks queued for `memberId` (payloads of waiting `gate.recheck` jobs). */
async function gateChecksFor(memberId: string): Promise<unknown[]> {
  const queue = new Queue("maintenance", { connection: redis, prefix });
  try {
    const jobs = await queue.getJobs(["waiting", "delayed"]);
    return jobs
      .filter((job) => job.name === "gate.recheck" && job.data.memberId === memberId)
      .map((job) => job.data);
  } finally {
    await queue.close();
  }
}
const attempts = (memberId: string) =>
  database.prisma.walletLinkAttempt.findMany({
    where: { platform: "discord", memberId },
    orderBy: { id: "asc" },
    select: { outcome: true, address: true, community: true },
  });

describe("/wallet link and verify (the paste path)", () => {
  it("GIVEN a message signed with the wallet's real key THEN links it, privately, and records the attempt", async () => {
    const member = uniqueSnowflake();
    const wallet = newWallet();
    const message = await askToLink(member, wallet);
    const fields = parseSiwsMessage(message);
    expect(fields).toMatchObject({
      ok: true,
      fields: {
        domain: "bot.example.com",
        address: wallet.address,
        uri: "https://bot.example.com",
        chainId: "mainnet",
        version: "1",
      },
    });
    if (!fields.ok) return;
    // Bound to this member of this community, for 10 minutes from now.
    expect(fields.fields.statement).toContain(`discord user ${member} in community ${guild}`);
    expect(Date.parse(fields.fields.expirationTime) - Date.parse(fields.fields.issuedAt)).toBe(10 * MINUTE);

    const reply = await run(member, `/wallet verify ${wallet.address} ${wallet.sign(message)}`);
    expect(reply).toMatchObject({ outcome: "wallet.linked", private: true });
    expect(reply.message.text).toContain(wallet.address);
    expect(await repositories.wallets.links(community(), member)).toEqual([
      { address: wallet.address, linkedAt: expect.any(Date) },
    ]);
    expect(await attempts(member)).toEqual([
      { outcome: "linked", address: wallet.address, community: `discord:${guild}` },
    ]);
    // The new wallet may qualify the member for a gated role: the worker is asked to check their gates.
    expect(await gateChecksFor(member)).toEqual([
      { community: { platform: "discord", externalId: guild, kind: "group" }, memberId: member },
    ]);
  });

  it("GIVEN a forged signature (another key signed the message) THEN refuses bad_signature and links nothing", async () => {
    const member = uniqueSnowflake();
    const wallet = newWallet();
    const message = await askToLink(member, wallet);
    const reply = await run(member, `/wallet verify ${wallet.address} ${newWallet().sign(message)}`);
    expect(reply).toMatchObject({ outcome: "wallet.rejected.bad_signature", private: true });
    expect(reply.message.text).toContain("doesn't match");
    expect(await repositories.wallets.links(community(), member)).toEqual([]);
    expect((await attempts(member)).map((row) => row.outcome)).toEqual(["bad_signature"]);
    expect(await gateChecksFor(member)).toEqual([]);
  });

  it("GIVEN another address than the one the request was made for THEN refuses wrong_address", async () => {
    const member = uniqueSnowflake();
    const named = newWallet();
    const other = newWallet();
    const message = await askToLink(member, named);
    // The other wallet signs the same message with its own address in it: a good signature, of the wrong wallet.
    const forOther = message.replace(named.address, other.address);
    const reply = await run(member, `/wallet verify ${other.address} ${other.sign(forOther)}`);
    expect(reply.outcome).toBe("wallet.rejected.wrong_address");
    expect(await repositories.wallets.links(community(), member)).toEqual([]);
  });

  it("GIVEN the same signature sent again THEN the nonce is spent: nonce_used", async () => {
    const member = uniqueSnowflake();
    const wallet = newWallet();
    const message = await askToLink(member, wallet);
    const signature = wallet.sign(message);
    expect((await run(member, `/wallet verify ${wallet.address} ${signature}`)).outcome).toBe(
      "wallet.linked",
    );
    const replay = await run(member, `/wallet verify ${wallet.address} ${signature}`);
    expect(replay.outcome).toBe("wallet.rejected.nonce_used");
    expect((await attempts(member)).map((row) => row.outcome)).toEqual(["linked", "nonce_used"]);
  });

  it("GIVEN a signature sent after the 10 minutes THEN refuses nonce_expired", async () => {
    const member = uniqueSnowflake();
    const wallet = newWallet();
    const message = await askToLink(member, wallet);
    now = new Date(now.getTime() + 10 * MINUTE + 1_000);
    const reply = await run(member, `/wallet verify ${wallet.address} ${wallet.sign(message)}`);
    expect(reply.outcome).toBe("wallet.rejected.nonce_expired");
    expect(reply.message.text).toContain("10 minutes");
    expect(await repositories.wallets.links(community(), member)).toEqual([]);
  });

  it("GIVEN another member's nonce THEN refuses wrong_user, whoever signed", async () => {
    const owner = uniqueSnowflake();
    const intruder = uniqueSnowflake();
    const wallet = newWallet();
    const message = await askToLink(owner, wallet);
    const nonce = /^Nonce: (\w+)$/m.exec(message)?.[1] ?? "";
    expect(nonce).not.toBe("");
    // Even the wallet's own signature of the owner's message cannot link it to someone else.
    const reply = await run(intruder, `/wallet verify ${wallet.address} ${wallet.sign(message)} ${nonce}`);
    expect(reply.outcome).toBe("wallet.rejected.wrong_user");
    expect(await repositories.wallets.links(community(), intruder)).toEqual([]);
    // The owner's request is untouched and still completes.
    expect(
      (await run(owner, `/wallet verify ${wallet.address} ${wallet.sign(message)} ${nonce}`)).outcome,
    ).toBe("wallet.linked");
  });

  it("GIVEN malformed base58 THEN answers a short usage message, and the use case refuses malformed", async () => {
    const member = uniqueSnowflake();
    const wallet = newWallet();
    await askToLink(member, wallet);
    const badSignature = await run(member, `/wallet verify ${wallet.address} 0OIl+notbase58`);
    expect(badSignature.outcome).toBe("wallet.error.badSignature");
    const badAddress = await run(member, `/wallet verify 0xdeadbeef ${wallet.sign("x")}`);
    expect(badAddress.outcome).toBe("wallet.error.badAddress");
    expect((await run(member, "/wallet link not_an_address")).outcome).toBe("wallet.error.badAddress");
    expect((await run(member, `/wallet verify ${wallet.address}`)).outcome).toBe("wallet.help");

    const refused = await completeWalletLink(wallets, {
      reference: { newest: true },
      caller: { community: community(), member: { platform: "discord", externalId: member } },
      address: wallet.address,
      signature: "0OIl",
    });
    expect(refused).toEqual({ ok: false, error: { id: "malformed" } });
    expect((await attempts(member)).map((row) => row.outcome)).toEqual(["malformed"]);
  });

  it("GIVEN five failures within 15 minutes THEN refuses even a good signature (rate_limited), until the window passes", async () => {
    const member = uniqueSnowflake();
    const wallet = newWallet();
    const message = await askToLink(member, wallet);
    const forger = newWallet();
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const reply = await run(
        member,
        `/wallet verify ${wallet.address} ${forger.sign(`${message}${attempt}`)}`,
      );
      expect(reply.outcome).toBe("wallet.rejected.bad_signature");
    }
    const limited = await run(member, `/wallet verify ${wallet.address} ${wallet.sign(message)}`);
    expect(limited.outcome).toBe("wallet.rejected.rate_limited");
    expect(limited.message.text).toContain("15 minutes");
    expect(await repositories.wallets.links(community(), member)).toEqual([]);

    // 16 minutes later the failures are out of the window (the request expired meanwhile: a new one).
    now = new Date(now.getTime() + 16 * MINUTE);
    const fresh = await askToLink(member, wallet);
    expect((await run(member, `/wallet verify ${wallet.address} ${wallet.sign(fresh)}`)).outcome).toBe(
      "wallet.linked",
    );
    expect((await attempts(member)).map((row) => row.outcome)).toEqual([
      ...Array(5).fill("bad_signature"),
      "rate_limited",
      "linked",
    ]);
  });

  it("GIVEN a wallet another member linked in this community THEN refuses already_linked_elsewhere; another community may link it", async () => {
    const first = uniqueSnowflake();
    const second = uniqueSnowflake();
    const wallet = newWallet();
    const message = await askToLink(first, wallet);
    expect((await run(first, `/wallet verify ${wallet.address} ${wallet.sign(message)}`)).outcome).toBe(
      "wallet.linked",
    );
    const again = await askToLink(second, wallet);
    const reply = await run(second, `/wallet verify ${wallet.address} ${wallet.sign(again)}`);
    expect(reply.outcome).toBe("wallet.rejected.already_linked_elsewhere");
    expect(await repositories.wallets.links(community(), second)).toEqual([]);

    // The same wallet in another guild is that guild's business.
    guild = uniqueSnowflake();
    const elsewhere = await askToLink(second, wallet);
    expect((await run(second, `/wallet verify ${wallet.address} ${wallet.sign(elsewhere)}`)).outcome).toBe(
      "wallet.linked",
    );
  });

  it("GIVEN linked wallets THEN /wallet list shows only the member's own and /wallet unlink removes only their own", async () => {
    const member = uniqueSnowflake();
    const neighbour = uniqueSnowflake();
    const [one, two, theirs] = [newWallet(), newWallet(), newWallet()];
    for (const [who, wallet] of [
      [member, one],
      [member, two],
      [neighbour, theirs],
    ] as const) {
      const message = await askToLink(who, wallet);
      expect((await run(who, `/wallet verify ${wallet.address} ${wallet.sign(message)}`)).outcome).toBe(
        "wallet.linked",
      );
    }
    const listed = await run(member, "/wallet list");
    expect(listed).toMatchObject({ outcome: "wallet.listed", private: true });
    expect(listed.message.text).toContain(one.address);
    expect(listed.message.text).toContain(two.address);
    expect(listed.message.text).not.toContain(theirs.address);

    // Nobody unlinks another member's wallet.
    expect((await run(member, `/wallet unlink ${theirs.address}`)).outcome).toBe("wallet.error.notLinked");
    expect(await repositories.wallets.links(community(), neighbour)).toHaveLength(1);
    expect((await run(member, `/wallet unlink ${one.address}`)).outcome).toBe("wallet.unlinked");
    expect((await repositories.wallets.links(community(), member)).map((row) => row.address)).toEqual([
      two.address,
    ]);
    expect((await run(neighbour, "/wallet list")).message.text).toContain(theirs.address);
    expect((await run(uniqueSnowflake(), "/wallet list")).outcome).toBe("wallet.list.empty");
  });

  it("GIVEN /wallet link without an address THEN gives the page link privately on Discord, never in a Telegram group", async () => {
    const member = uniqueSnowflake();
    const reply = await run(member, "/wallet link");
    expect(reply).toMatchObject({ outcome: "wallet.link.page", private: true });
    expect(reply.message.text).toMatch(
      /https:\/\/bot\.example\.com\/wallet\/link\/[1-9A-HJ-NP-Za-km-z]{40,}/,
    );
    expect(reply.message.text).toContain("/wallet link <address>");

    const group = await run(member, "/wallet link", { telegramGroup: true });
    expect(group.outcome).toBe("wallet.link.notHere");
    expect(group.message.text).not.toContain("https://");
    // Without a web server there is no page: the paste path is offered instead.
    const withoutPage = testDispatcher({
      redis,
      prefix,
      repositories,
      jobs: createJobProducer({ connection: redis, prefix }),
      wallets: { ...wallets, settings: walletLinkSettingsOf(undefined) },
    });
    const noPage = await withoutPage(invocation(member, "/wallet link"));
    expect(noPage).toMatchObject({ kind: "reply", outcome: "wallet.link.noPage" });
  });

  it("GIVEN a private key pasted for the signature THEN warns, never echoes it, and the run record keeps no key or seed phrase", async () => {
    const member = uniqueSnowflake();
    const wallet = newWallet();
    await askToLink(member, wallet);
    const secret = encodeBase58(wallet.secretKey);
    const command = invocation(member, `/wallet verify ${wallet.address} ${secret}`);
    const reply = await dispatch(command);
    expect(reply).toMatchObject({ kind: "reply", outcome: "wallet.error.secretKey", private: true });
    expect(reply.kind === "reply" && reply.message.text).toContain("PRIVATE KEY");
    expect(reply.kind === "reply" && reply.message.text).not.toContain(secret);
    // A keypair file's JSON array is caught the same way, wherever it is pasted.
    const json = `[${[...wallet.secretKey].join(",")}]`;
    expect((await run(member, `/wallet link ${json}`)).outcome).toBe("wallet.error.secretKey");
    const phrase = invocation(
      member,
      "/wallet verify abandon ability able about above absent absorb abstract",
    );

    await dispatch(phrase);
    await vi.waitFor(async () => {
      const runs = await database.prisma.commandRun.findMany({
        where: { key: { in: [command.key, phrase.key] } },
        select: { key: true, args: true },
      });
      expect(runs).toHaveLength(2);
      expect(runs.find((row) => row.key === command.key)?.args).toBe(`verify ${wallet.address} [redacted]`);
      expect(runs.find((row) => row.key === phrase.key)?.args).toBe(
        `verify ${Array(8).fill("[redacted]").join(" ")}`,
      );
    });
    // A real signature is kept shortened; addresses as they are.
    expect(walletRecordedArgs(`verify ${wallet.address} ${wallet.sign("x")}`)).toMatch(
      new RegExp(`^verify ${wallet.address} [1-9A-HJ-NP-Za-km-z]{8}…$`),
    );
    expect(await attempts(member)).toEqual([]);
  });

  it("GIVEN /wallet alone or an unknown action THEN explains the command", async () => {
    const member = uniqueSnowflake();
    const help = await run(member, "/wallet");
    expect(help.outcome).toBe("wallet.help");
    expect(help.message.text).toContain("seed phrase");
    expect((await run(member, "/wallet steal")).outcome).toBe("wallet.error.unknownAction");
  });
});

describe("completeWalletLink by link token (what the verification page will call)", () => {
  const member = () => ({ platform: "discord" as const, externalId: memberId });
  let memberId: string;
  beforeEach(() => {
    memberId = uniqueSnowflake();
  });

  /** A page request: its token from the link, and the message the page would show for `address`. */
  async function pageRequest(address: string) {
    const started = await startWalletLink(wallets, {
      community: { ...community(), title: "Wallet guild" },
      member: member(),
    });
    if (!started.ok || !started.value.link) throw new Error("no link");
    const token = started.value.link.split("/").pop() ?? "";
    const shown = await walletLinkMessage(wallets, { token, address });
    if (!shown.ok) throw new Error(shown.error);
    return { token, message: shown.value.message };
  }

  it("GIVEN the message the wallet signed THEN links the wallet to the token's member; the token is stored only hashed", async () => {
    const wallet = newWallet();
    const { token, message } = await pageRequest(wallet.address);
    const result = await completeWalletLink(wallets, {
      reference: { token },
      address: wallet.address,
      signature: wallet.sign(message),
      message,
    });
    expect(result).toEqual({
      ok: true,
      value: {
        address: wallet.address,
        status: "linked",
        form: "raw",
        community: { platform: "discord", externalId: guild },
        memberId,
      },
    });
    expect(await repositories.wallets.links(community(), memberId)).toHaveLength(1);
    const stored = await database.prisma.walletLinkRequest.findMany({ where: { memberId } });
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it("GIVEN a message for another domain, signed by the wallet THEN refuses wrong_domain", async () => {
    const wallet = newWallet();
    const { token, message } = await pageRequest(wallet.address);
    const phished = message.replace(/^bot\.example\.com /, "bot.example.com.evil.io ");
    const result = await completeWalletLink(wallets, {
      reference: { token },
      address: wallet.address,
      signature: wallet.sign(phished),
      message: phished,
    });
    expect(result).toEqual({ ok: false, error: { id: "wrong_domain" } });
  });

  it("GIVEN a message naming another member THEN refuses wrong_user; a changed field THEN message_mismatch", async () => {
    const wallet = newWallet();
    const { token, message } = await pageRequest(wallet.address);
    const other = message.replace(`user ${memberId} in`, "user 1 in");
    expect(
      await completeWalletLink(wallets, {
        reference: { token },
        address: wallet.address,
        signature: wallet.sign(other),
        message: other,
      }),
    ).toEqual({ ok: false, error: { id: "wrong_user" } });
    const later = message.replace(/Expiration Time: .*/, "Expiration Time: 2099-01-01T00:00:00.000Z");
    expect(
      await completeWalletLink(wallets, {
        reference: { token },
        address: wallet.address,
        signature: wallet.sign(later),
        message: later,
      }),
    ).toEqual({ ok: false, error: { id: "message_mismatch" } });
  });

  it("GIVEN a message whose address is not the signer's THEN refuses wrong_address", async () => {
    const wallet = newWallet();
    const other = newWallet();
    const { token, message } = await pageRequest(wallet.address);
    const swapped = message.replace(wallet.address, other.address);
    expect(
      await completeWalletLink(wallets, {
        reference: { token },
        address: wallet.address,
        signature: wallet.sign(swapped),
        message: swapped,
      }),
    ).toEqual({ ok: false, error: { id: "wrong_address" } });
  });

  it("GIVEN an unknown token THEN refuses no_request and records the attempt with no member", async () => {
    const wallet = newWallet();
    const token = "1".repeat(44);
    expect(
      await completeWalletLink(wallets, {
        reference: { token },
        address: wallet.address,
        signature: wallet.sign("x"),
      }),
    ).toEqual({ ok: false, error: { id: "no_request" } });
    const row = await database.prisma.walletLinkAttempt.findFirst({
      where: { address: wallet.address },
      select: { outcome: true, memberId: true, platform: true },
    });
    expect(row).toEqual({ outcome: "no_request", memberId: null, platform: null });
  });

  it("GIVEN two completions of one request at once THEN exactly one links and the other finds the nonce used", async () => {
    const wallet = newWallet();
    const { token, message } = await pageRequest(wallet.address);
    const signature = wallet.sign(message);
    const results = await Promise.all(
      Array.from({ length: 2 }, () =>
        completeWalletLink(wallets, { reference: { token }, address: wallet.address, signature, message }),
      ),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok)).toEqual([{ ok: false, error: { id: "nonce_used" } }]);
    expect(await repositories.wallets.links(community(), memberId)).toHaveLength(1);
  });

  it("GIVEN two members racing for one wallet THEN only one holds it", async () => {
    const wallet = newWallet();
    const racers = [uniqueSnowflake(), uniqueSnowflake()];
    const requests = await Promise.all(
      racers.map(async (externalId) => {
        const started = await startWalletLink(wallets, {
          community: community(),
          member: { platform: "discord", externalId },
          address: wallet.address,
        });
        if (!started.ok || !started.value.message) throw new Error("not started");
        return { externalId, nonce: started.value.nonce, message: started.value.message };
      }),
    );
    const results = await Promise.all(
      requests.map((request) =>
        completeWalletLink(wallets, {
          reference: { nonce: request.nonce },
          caller: { community: community(), member: { platform: "discord", externalId: request.externalId } },
          address: wallet.address,
          signature: wallet.sign(request.message),
        }),
      ),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok)).toEqual([
      { ok: false, error: { id: "already_linked_elsewhere" } },
    ]);
    const holders = await database.prisma.walletLink.findMany({
      where: { address: wallet.address },
      select: { memberId: true },
    });
    expect(holders).toHaveLength(1);
  });

  it("GIVEN the message built from the request's own fields THEN equals what the page shows", async () => {
    const wallet = newWallet();
    const { message } = await pageRequest(wallet.address);
    const parsed = parseSiwsMessage(message);
    expect(parsed.ok && buildSiwsMessage(parsed.fields)).toBe(message);
  });
});
