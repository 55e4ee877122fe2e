// The console end to end, as `pnpm start` composes the bot (PUBLIC_URL set, so the verification page
// is served): /wallet link prints the page's link, /wallet link <address> prints the message to sign, the test signs it with a real
// Ed25519 key as a user's own tool would, and the pasted signature links the wallet.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { Redis } from "ioredis";
import { afterAll, afterEach, expect, it, vi } from "vitest";
import { subscribeConsoleReplies } from "@memebot/delivery";
import { parseSiwsMessage } from "@memebot/solana";
import { startConsoleAdapter } from "../../apps/bot/src/console/adapter.ts";
import { recordingLogger, REDIS_URL } from "../jobs/support.ts";
import { createBotCore } from "../support/bot-core.ts";
import { newWallet } from "./keys.ts";

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await redis.quit();
});

it("GIVEN /wallet link <address> on the console THEN a signature of the printed message, pasted with /wallet verify, links the wallet", async () => {
  const core = await createBotCore({ env: { PUBLIC_URL: "https://bot.example.com" } });
  cleanups.push(() => core.close());
  const input = new PassThrough();
  let printed = "";
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      printed += chunk.toString();
      callback();
    },
  });
  const subscriber = new Redis(REDIS_URL);
  const session = await startConsoleAdapter({
    dispatch: core.dispatch,
    logger: recordingLogger(),
    input,
    output,
    replyTimeoutMs: 15_000,
    pictureDir: await mkdtemp(join(tmpdir(), "memebot-wallet-")),
    subscribe: async (sessionId, onMessage) => {
      const subscription = subscribeConsoleReplies({
        redis: subscriber,
        prefix: core.prefix,
        sessionId,
        onMessage,
      });
      await subscription.ready;
      return subscription;
    },
  });
  cleanups.push(async () => {
    await session.stop();
    await subscriber.quit();
  });
  /** What the bot said, without the console's "bot> " marks. */
  const said = () =>
    printed
      .split("\n")
      .filter((line) => line.startsWith("bot>"))
      .map((line) => line.replace(/^bot> ?/, ""))
      .join("\n");

  const wallet = newWallet();
  input.write("/wallet link\n");
  input.write(`/wallet link ${wallet.address}\n`);
  await vi.waitFor(() => expect(said()).toContain("Then send /wallet verify"), { timeout: 10_000 });
  // The page is served with PUBLIC_URL: the console (one person's chat) is given its link.
  expect(said()).toMatch(/https:\/\/bot\.example\.com\/wallet\/link\/[1-9A-HJ-NP-Za-km-z]{40,44}\b/);

  const message = /\n\n([\s\S]+?)\n\nThen send/.exec(said())?.[1] ?? "";
  const parsed = parseSiwsMessage(message);
  expect(parsed).toMatchObject({
    ok: true,
    fields: { domain: "bot.example.com", address: wallet.address, uri: "https://bot.example.com" },
  });
  expect(parsed.ok && parsed.fields.statement).toMatch(
    /^Link this wallet to console user local:\S+ in community local\./,
  );

  input.end(`/wallet verify ${wallet.address} ${wallet.sign(message)}\n/wallet list\n`);
  expect(await session.done).toBe(0);
  expect(said()).toContain(`Linked ${wallet.address} to you in this community.`);
  expect(said()).toMatch(new RegExp(`• ${wallet.address} \\(linked \\d{4}-\\d{2}-\\d{2}\\)`));
  const links = await core.infrastructure.database.prisma.walletLink.findMany({
    where: { address: wallet.address },
    select: { memberId: true },
  });
  expect(links).toHaveLength(1);
  expect(links[0]?.memberId).toMatch(/^local:/);
});
