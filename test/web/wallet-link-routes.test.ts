// The wallet page's HTTP routes over this run's PostgreSQL, without a browser: what a token's status
// says, input validated before use, refusals as stable ids with a message, the per-route rate limit,
// and tokens kept out of the request log.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startWalletLink, walletLinkSettingsOf, type WalletLinkDependencies } from "@memebot/core";
import { createRepositories, type Database } from "@memebot/db";
import { encodeBase58 } from "@memebot/solana";
import { createLogger } from "@memebot/telemetry";
import { startWebServer, type RunningWebServer } from "@memebot/web";
import { walletLinkRoutes } from "@memebot/web/wallet-link";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";
import { uniqueSnowflake } from "../support/unique-ids.ts";
import { createMemoryDestination } from "../telemetry/memory-destination.ts";
import { newWallet } from "../wallets/keys.ts";

const MINUTE = 60_000;
let database: Database;
let server: RunningWebServer;
let now: Date;
const log = createMemoryDestination();
const wallets: WalletLinkDependencies = {
  store: undefined as never,
  settings: walletLinkSettingsOf(undefined),
  now: () => new Date(now),
};

beforeAll(async () => {
  database = await openTestDatabase();
  wallets.store = createRepositories(database.prisma, repositoryOptions).wallets;
  server = await startWebServer({
    port: 0,
    host: "127.0.0.1",
    logger: createLogger({ level: "debug", secrets: [], destination: log }),
    routes: [walletLinkRoutes({ wallets })],
    staticRoot: false,
  });
  wallets.settings = walletLinkSettingsOf(server.url);
});
afterAll(async () => {
  await server.close();
  await database.close();
});
beforeEach(() => {
  now = new Date();
});

async function newLink(): Promise<{ token: string; member: string; guild: string }> {
  const member = uniqueSnowflake();
  const guild = uniqueSnowflake();
  const started = await startWalletLink(wallets, {
    community: { platform: "discord", externalId: guild },
    member: { platform: "discord", externalId: member },
  });
  if (!started.ok || !started.value.link) throw new Error("no link");
  return { token: started.value.link.split("/").pop() ?? "", member, guild };
}

const api = (token: string, path = "") => `${server.url}/api/wallet/link/${token}${path}`;
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("wallet link routes", () => {
  it("GIVEN a link THEN its status is valid until it expires, and says nothing about the member", async () => {
    const { token, member, guild } = await newLink();
    const response = await fetch(api(token));
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({ state: "valid", expiresAt: expect.any(String), address: null });
    expect(JSON.stringify(body)).not.toContain(member);
    expect(JSON.stringify(body)).not.toContain(guild);

    now = new Date(now.getTime() + 10 * MINUTE);
    await expect((await fetch(api(token))).json()).resolves.toEqual({ state: "expired" });
    await expect((await fetch(api("1".repeat(44)))).json()).resolves.toEqual({ state: "unknown" });
    // Not a token at all (characters outside base58): unknown, nothing looked up.
    await expect((await fetch(api("0OIl".repeat(11)))).json()).resolves.toEqual({ state: "unknown" });
  });

  it("GIVEN the message for an address, signed THEN the wallet is linked once; the status says used", async () => {
    const { token, member } = await newLink();
    const wallet = newWallet();
    const prepared = await post(api(token, "/message"), { address: wallet.address });
    expect(prepared.status).toBe(200);
    const { message } = (await prepared.json()) as { message: string };
    expect(message).toContain(`${new URL(server.url).host} wants you to sign in`);

    const signature = wallet.sign(message);
    const linked = await post(api(token), { address: wallet.address, signature, message });
    expect(linked.status).toBe(200);
    await expect(linked.json()).resolves.toEqual({ status: "linked", address: wallet.address });
    await expect(
      database.prisma.walletLink.findMany({ where: { address: wallet.address }, select: { memberId: true } }),
    ).resolves.toEqual([{ memberId: member }]);

    await expect((await fetch(api(token))).json()).resolves.toEqual({ state: "used" });
    const again = await post(api(token), { address: wallet.address, signature, message });
    expect(again.status).toBe(410);
    await expect(again.json()).resolves.toEqual({
      error: "nonce_used",
      message: expect.stringMatching(/used/),
    });
  });

  it("GIVEN malformed input THEN it is refused as malformed before anything is checked", async () => {
    const { token } = await newLink();
    const wallet = newWallet();
    const message = "x".repeat(100);
    const signature = wallet.sign(message);
    for (const body of [
      {},
      { address: "not base58 0OIl" },
      { address: wallet.address.slice(0, 20) },
      { address: wallet.address, extra: "field" },
    ]) {
      const response = await post(api(token, "/message"), body);
      expect(response.status).toBe(400);
      await expect(response.json()).resolves.toMatchObject({ error: "malformed" });
    }
    for (const body of [
      { address: wallet.address, signature, message: "" },
      { address: wallet.address, signature, message: "m".repeat(2_001) },
      { address: wallet.address, signature: `${signature.slice(0, -1)}0`, message },
      { address: wallet.address, signature: signature.slice(0, 40), message },
      { address: wallet.address, signature: 42, message },
    ]) {
      const response = await post(api(token), body);
      expect(response.status).toBe(400);
      await expect(response.json()).resolves.toMatchObject({ error: "malformed" });
    }
    // Not JSON at all, or not JSON's content type: refused by the server with its own ids.
    expect((await post(api(token), "{not json")).status).toBe(400);
    expect(
      (await post(api(token), "address=x", { "content-type": "application/x-www-form-urlencoded" })).status,
    ).toBe(415);
    // None of it reached the link: it still works.
    await expect((await fetch(api(token))).json()).resolves.toMatchObject({ state: "valid" });
  });

  it("GIVEN a wallet's private key pasted as the signature THEN it is refused with a warning and not recorded", async () => {
    const { token, member } = await newLink();
    const wallet = newWallet();
    const prepared = await post(api(token, "/message"), { address: wallet.address });
    const { message } = (await prepared.json()) as { message: string };
    const secret = encodeBase58(wallet.secretKey);
    const response = await post(api(token), { address: wallet.address, signature: secret, message });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: "secret_key", message: expect.stringMatching(/private key/) });
    expect(text).not.toContain(secret);
    await expect(database.prisma.walletLinkAttempt.count({ where: { memberId: member } })).resolves.toBe(0);
    expect(log.text()).not.toContain(secret);
  });

  it("GIVEN a forged signature or an unknown token THEN the refusal id and a message come back", async () => {
    const { token } = await newLink();
    const wallet = newWallet();
    const { message } = (await (await post(api(token, "/message"), { address: wallet.address })).json()) as {
      message: string;
    };
    const forged = await post(api(token), {
      address: wallet.address,
      signature: newWallet().sign(message),
      message,
    });
    expect(forged.status).toBe(403);
    await expect(forged.json()).resolves.toEqual({ error: "bad_signature", message: expect.any(String) });
    const unknown = await post(api("1".repeat(44), "/message"), { address: wallet.address });
    expect(unknown.status).toBe(404);
    await expect(unknown.json()).resolves.toMatchObject({ error: "no_request" });
  });

  it("GIVEN a wallet newly linked THEN onLinked hears whose it is (for the gates check); a refusal or a failing hook changes no answer", async () => {
    const heard: unknown[] = [];
    let fail = false;
    const hooked = await startWebServer({
      port: 0,
      host: "127.0.0.1",
      logger: createLogger({ level: "silent", secrets: [] }),
      routes: [
        walletLinkRoutes({
          wallets,
          onLinked: async (linked) => {
            heard.push({ community: linked.community, memberId: linked.memberId, address: linked.address });
            if (fail) throw new Error("queue down");
          },
        }),
      ],
      staticRoot: false,
    });
    try {
      const link = async () => {
        const { token, member, guild } = await newLink();
        const wallet = newWallet();
        const url = `${hooked.url}/api/wallet/link/${token}`;
        const { message } = (await (await post(`${url}/message`, { address: wallet.address })).json()) as {
          message: string;
        };
        const forged = await post(url, {
          address: wallet.address,
          signature: newWallet().sign(message),
          message,
        });
        expect(forged.status).toBe(403);
        const linked = await post(url, { address: wallet.address, signature: wallet.sign(message), message });
        return { linked, member, guild, wallet };
      };
      const first = await link();
      expect(first.linked.status).toBe(200);
      expect(heard).toEqual([
        {
          community: { platform: "discord", externalId: first.guild },
          memberId: first.member,
          address: first.wallet.address,
        },
      ]);
      fail = true;
      const second = await link();
      expect(second.linked.status).toBe(200);
      await expect(second.linked.json()).resolves.toMatchObject({ status: "linked" });
      expect(heard).toHaveLength(2);
    } finally {
      await hooked.close();
    }
  });

  it("GIVEN more requests from one address than the page's limit THEN 429, while other routes still answer", async () => {
    const limited = await startWebServer({
      port: 0,
      host: "127.0.0.1",
      logger: createLogger({ level: "silent", secrets: [] }),
      routes: [walletLinkRoutes({ wallets, rateLimit: { max: 3, timeWindowMs: MINUTE } })],
      staticRoot: false,
      health: async () => ({ database: true }),
    });
    try {
      const url = `${limited.url}/api/wallet/link/${"1".repeat(44)}`;
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await fetch(url)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect((await fetch(`${limited.url}/health`)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it("GIVEN requests with a token THEN the log shows the routes with the token redacted", async () => {
    const { token } = await newLink();
    await fetch(`${server.url}/wallet/link/${token}`);
    await fetch(api(token));
    await post(api(token, "/message"), { address: newWallet().address });
    expect(log.text()).not.toContain(token);
    const routes = log
      .records()
      .filter((record) => record.msg === "http request answered")
      .map((record) => record.route);
    expect(routes).toEqual(
      expect.arrayContaining([
        "/wallet/link/<redacted>",
        "/api/wallet/link/<redacted>",
        "/api/wallet/link/<redacted>/message",
      ]),
    );
  });
});
