// The wallet verification page in headless Chromium (Debian's, through playwright-core), over the
// web server as the bot runs it and this run's PostgreSQL: a member asks for a link, opens it, a
// Wallet Standard test wallet (a real Ed25519 key in Node) signs, and the wallet is linked. Also a
// link used twice, a forged signature, the pasted-signature path, and the page under its CSP.
// WALLET_PAGE_SCREENS=<dir> saves screenshots of each state there.
import { randomUUID, sign } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { Redis } from "ioredis";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  startWalletLink,
  walletLinkSettingsOf,
  type CommandInvocation,
  type Dispatch,
  type CompletedWalletLink,
  type WalletLinkDependencies,
} from "@memebot/core";
import { encodeBase58 } from "@memebot/solana";
import { createRepositories, type Database, type Repositories } from "@memebot/db";
import type { Address } from "@solana/kit";
import { createJobProducer } from "@memebot/jobs";
import { createLogger } from "@memebot/telemetry";
import { startWebServer, type RunningWebServer } from "@memebot/web";
import { walletLinkRoutes } from "@memebot/web/wallet-link";
import { deletePrefix, REDIS_URL } from "../jobs/support.ts";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";
import { testDispatcher } from "../support/dispatcher.ts";
import { uniqueSnowflake } from "../support/unique-ids.ts";
import { startFakeDiscord } from "../fakes/discord/server.ts";
import { MANAGE_ROLES } from "../fakes/discord/guilds.ts";
import { startFakeSolanaRpc } from "../fakes/solana-rpc.ts";
import { gateWorld, replyTo } from "../gating/support.ts";
import { createMemoryDestination } from "../telemetry/memory-destination.ts";
import { newWallet, type TestWallet } from "../wallets/keys.ts";

const CHROMIUM = "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
// CI must run it (.ci/run installs Chromium); elsewhere a missing browser skips it, saying so.
const skip = !haveChromium && !process.env.CI;
const title = skip
  ? "wallet page in Chromium: SKIPPED, /usr/bin/chromium is missing (apt-get install -y chromium)"
  : "wallet page in Chromium";
const SCREENS = process.env.WALLET_PAGE_SCREENS;
/** Polls with room for a loaded machine (the page itself waits 1.2 s for wallets to announce themselves). */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

/**
 * The browser globals the in-page callbacks below use: tests compile without the DOM library, and
 * these functions run in the page (Playwright sends their source), so they read them off globalThis.
 */
type PageEvent = { detail: unknown; effectiveDirective: string };
type PageGlobals = {
  dispatchEvent(event: object): boolean;
  addEventListener(type: string, listener: (event: PageEvent) => void): void;
  CustomEvent: new (type: string, init: { detail: unknown }) => object;
  document: {
    activeElement: { id: string } | null;
    body: { append(node: object): void };
    createElement(tag: "script"): { textContent: string };
    addEventListener(type: string, listener: (event: PageEvent) => void): void;
  };
  __testWalletSign(name: string, address: string, bytes: number[]): Promise<number[]>;
  __violation(directive: string): void;
  __inlineRan?: boolean;
};

// A browser on a busy two-core machine (CI runs two test files at once) is slow to start and drive:
// generous limits, which no assertion depends on.
describe.skipIf(skip)(title, { timeout: 120_000 }, () => {
  let browser: Browser;
  let database: Database;
  let repositories: Repositories;
  let server: RunningWebServer;
  let redis: Redis;
  const log = createMemoryDestination();
  // The routes read the settings when called: they are set once the server knows its port.
  const wallets: WalletLinkDependencies = {
    store: undefined as never,
    settings: walletLinkSettingsOf(undefined),
  };
  /** What follows a new link (the bot enqueues the member's gate check); set by the test that needs it. */
  let afterLink: ((linked: CompletedWalletLink) => Promise<void>) | undefined;

  beforeAll(async () => {
    database = await openTestDatabase();
    repositories = createRepositories(database.prisma, repositoryOptions);
    wallets.store = repositories.wallets;
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    server = await startWebServer({
      port: 0,
      host: "127.0.0.1",
      logger: createLogger({ level: "debug", secrets: [], destination: log }),
      routes: [walletLinkRoutes({ wallets, onLinked: async (linked) => afterLink?.(linked) })],
    });
    wallets.settings = walletLinkSettingsOf(server.url);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    if (SCREENS) await mkdir(SCREENS, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await redis?.quit();
    await database?.close();
  });

  let guild: string;
  let prefix: string;
  let dispatch: Dispatch;
  beforeEach((context) => {
    guild = uniqueSnowflake();
    prefix = `test-wallet-page-${randomUUID()}`;
    const producer = createJobProducer({ connection: redis, prefix });
    dispatch = testDispatcher({ redis, prefix, repositories, jobs: producer, wallets });
    context.onTestFinished(async () => {
      await producer.close();
      await deletePrefix(redis, prefix);
    });
  });

  const community = () => ({ platform: "discord" as const, externalId: guild, title: "Page guild" });

  /** What `/wallet link` hands the member: the page's link. */
  async function linkFor(member: string): Promise<string> {
    const started = await startWalletLink(wallets, {
      community: community(),
      member: { platform: "discord", externalId: member },
    });
    if (!started.ok || !started.value.link) throw new Error("no link issued");
    return started.value.link;
  }

  /** `/wallet list` typed by the member in this test's guild: the reply text. */
  async function walletList(member: string): Promise<string> {
    const invocation: CommandInvocation = {
      key: `test:${prefix}:list`,
      platform: "discord",
      community: { ...community(), kind: "group" },
      actor: { platform: "discord", externalId: member, username: `user-${member}` },
      name: "wallet",
      args: { kind: "text", text: "list" },
      addressed: true,
      target: { platform: "discord", applicationId: "1", interactionToken: `token-${randomUUID()}` },
      receivedAt: Date.now(),
      isAdmin: async () => false,
    };
    const result = await dispatch(invocation);
    if (result.kind !== "reply") throw new Error(`expected a reply, got ${result.kind}`);
    return result.message.text;
  }

  type Problems = { csp: string[]; errors: string[] };

  /** A fresh browser context with its console watched: CSP violations and page errors are collected. */
  async function openContext(): Promise<{ context: BrowserContext; page: Page; problems: Problems }> {
    const context = await browser.newContext({ viewport: { width: 480, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const problems: Problems = { csp: [], errors: [] };
    page.on("console", (message) => {
      const url = message.location().url;
      if (/Content.Security.Policy/i.test(message.text())) problems.csp.push(message.text());
      // Chromium logs every 4xx answer; the API's refusals are expected ones, anything else is not.
      else if (
        message.type() === "error" &&
        !(/status of 4\d\d/.test(message.text()) && url.includes("/api/"))
      ) {
        problems.errors.push(`${message.text()} (${url})`);
      }
    });
    page.on("pageerror", (error) => problems.errors.push(error.message));
    return { context, page, problems };
  }

  /**
   * Installs Wallet Standard wallets in the page before its scripts run, each registering itself the
   * way @wallet-standard/wallet's registerWallet does (an event now, and an answer to app-ready).
   * Their signMessage signs in Node with the key of the account asked for; a "forger" claims one
   * address and signs with another key; a declining wallet refuses as a member closing the prompt would.
   */
  async function installWallets(
    page: Page,
    entries: Array<{
      name: string;
      wallet: TestWallet;
      /** More accounts the wallet holds, after `wallet`. */
      more?: TestWallet[];
      signer?: TestWallet;
      declines?: boolean;
    }>,
  ): Promise<{ signed: string[] }> {
    const signed: string[] = [];
    await page.exposeFunction("__testWalletSign", (name: string, address: string, bytes: number[]) => {
      const entry = entries.find((candidate) => candidate.name === name);
      const key = [entry?.wallet, ...(entry?.more ?? [])].find((wallet) => wallet?.address === address);
      if (!entry || !key) throw new Error(`no account ${address} in ${name}`);
      const message = Buffer.from(bytes);
      signed.push(message.toString("utf8"));
      return [...sign(null, message, (entry.signer ?? key).privateKey)];
    });
    const icon = (color: string) =>
      `data:image/svg+xml;base64,${Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="${color}"/><circle cx="16" cy="16" r="7" fill="#fff"/></svg>`,
      ).toString("base64")}`;
    const colors = ["#6c4cf5", "#e5753a", "#2a9d8f"];
    await page.addInitScript(
      (wallets) => {
        type SignOutput = { signedMessage: Uint8Array; signature: Uint8Array };
        const win = globalThis as unknown as PageGlobals;
        for (const { name, addresses, icon, declines } of wallets) {
          const accounts = addresses.map((address) => ({
            address,
            publicKey: new Uint8Array(32),
            chains: ["solana:mainnet"],
            features: ["solana:signMessage"],
          }));
          const wallet = {
            version: "1.0.0",
            name,
            icon,
            chains: ["solana:mainnet", "solana:devnet"],
            accounts: [] as typeof accounts,
            features: {
              "standard:connect": {
                version: "1.0.0",
                connect: async () => {
                  wallet.accounts = accounts;
                  return { accounts: wallet.accounts };
                },
              },
              "standard:events": { version: "1.0.0", on: () => () => undefined },
              "solana:signMessage": {
                version: "1.0.0",
                signMessage: (
                  ...inputs: Array<{ account: { address: string }; message: Uint8Array }>
                ): Promise<SignOutput[]> =>
                  declines
                    ? Promise.reject(new Error("User rejected the request."))
                    : Promise.all(
                        inputs.map(async ({ account, message }) => ({
                          signedMessage: message,
                          signature: new Uint8Array(
                            await win.__testWalletSign(name, account.address, [...message]),
                          ),
                        })),
                      ),
              },
            },
          };
          const callback = ({ register }: { register: (wallet: unknown) => unknown }) => register(wallet);
          win.dispatchEvent(new win.CustomEvent("wallet-standard:register-wallet", { detail: callback }));
          win.addEventListener("wallet-standard:app-ready", (event) =>
            callback(event.detail as { register: (wallet: unknown) => unknown }),
          );
        }
      },
      entries.map(({ name, wallet, more, declines }, index) => ({
        name,
        addresses: [wallet, ...(more ?? [])].map((account) => account.address),
        declines: declines === true,
        icon: icon(colors[index % colors.length] ?? "#888"),
      })),
    );
    return { signed };
  }

  async function screenshot(page: Page, name: string) {
    if (SCREENS) await page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });
  }

  it("links the wallet a Wallet Standard wallet signs with, once; the link cannot be used again", async () => {
    const member = uniqueSnowflake();
    const wallet = newWallet();
    const link = await linkFor(member);
    const token = link.split("/").pop() ?? "";
    expect(link).toBe(`${server.url}/wallet/link/${token}`);

    const { context, page, problems } = await openContext();
    const { signed } = await installWallets(page, [{ name: "Test Wallet", wallet }]);
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    const button = page.getByRole("button", { name: "Test Wallet" });
    await button.waitFor();
    await expect(page.locator("#status").textContent()).resolves.toMatch(/works once, until/);
    await screenshot(page, "wallet-list");
    if (SCREENS) {
      await page.setViewportSize({ width: 1100, height: 800 });
      await screenshot(page, "wallet-list-desktop");
      await page.setViewportSize({ width: 480, height: 900 });
    }

    await button.click();
    const result = page.locator("#result");
    await result.waitFor({ state: "visible" });
    await expect(page.locator("#result-title").textContent()).resolves.toBe("Wallet linked");
    await expect(page.locator("#result-address").textContent()).resolves.toBe(wallet.address);
    // The result takes the focus, so a screen reader reads it out.
    await expect(
      page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.id),
    ).resolves.toBe("result");
    await screenshot(page, "success");

    // The wallet signed the message the server issued for this member and this page's domain.
    expect(signed).toHaveLength(1);
    expect(signed[0]).toContain(`${new URL(server.url).host} wants you to sign in with your Solana account:`);
    expect(signed[0]).toContain(`\n${wallet.address}\n`);
    expect(signed[0]).toContain(`discord user ${member} in community ${guild}`);
    // Linked: in the database and in /wallet list.
    const rows = await database.prisma.walletLink.findMany({ where: { address: wallet.address } });
    expect(rows).toMatchObject([{ memberId: member }]);
    await expect(walletList(member)).resolves.toContain(wallet.address);

    // The same link a second time: the page says it was used, and offers nothing to sign.
    await page.goto(link);
    await result.waitFor({ state: "visible" });
    await expect(page.locator("#result-text").textContent()).resolves.toMatch(/used already/);
    await expect(page.locator("#wallets").isHidden()).resolves.toBe(true);
    await expect(page.locator("#fallback").isHidden()).resolves.toBe(true);
    await screenshot(page, "used");
    expect(signed).toHaveLength(1);

    expect(problems).toEqual({ csp: [], errors: [] });
    // The token is a credential: the request log names the routes with it redacted.
    expect(log.text()).not.toContain(token);
    expect(log.text()).toContain("/wallet/link/<redacted>");
    expect(log.text()).toContain("/api/wallet/link/<redacted>/message");
    await context.close();
  });

  it("grants the token-gated Discord role the linked wallet's holdings qualify for", async () => {
    const solana = await startFakeSolanaRpc();
    const discord = await startFakeDiscord();
    const world = await gateWorld({ platform: "discord", redis, repositories, solana, discord });
    const { context, page, problems } = await openContext();
    try {
      const [botRole, holders, member] = ["910000000000000001", "910000000000000002", uniqueSnowflake()];
      discord.guilds.addGuild(world.community);
      discord.guilds.addRole(world.community, {
        id: botRole,
        name: "MemeBot",
        position: 5,
        permissions: MANAGE_ROLES,
      });
      discord.guilds.addRole(world.community, { id: holders, name: "Holders", position: 2 });
      discord.guilds.setMember(world.community, discord.botUser.id, [botRole]);
      discord.guilds.setMember(world.community, member, []);
      const mint = await solana.setup.createMint({ program: "spl-token", decimals: 6 });
      await replyTo(world, `/gate add ${mint.address} 1000 <@&${holders}>`, { admin: true });
      // The member's wallet holds 5,000 tokens on the (fake) chain.
      const wallet = newWallet();
      const account = await solana.setup.associatedTokenAccount(mint, wallet.address as Address);
      await solana.setup.mintTo(mint, account, 5_000_000_000n);
      // The bot enqueues gate.recheck for the member after a page link; the worker's handler runs it.
      afterLink = async ({ community, memberId }) => {
        await world.handlers["gate.recheck"](
          { community: { ...community, kind: "group" }, memberId },
          { jobId: "after-link", attempt: 1, signal: new AbortController().signal },
        );
      };
      const started = await startWalletLink(wallets, {
        community: { platform: "discord", externalId: world.community },
        member: { platform: "discord", externalId: member },
      });
      if (!started.ok || !started.value.link) throw new Error("no link issued");

      await installWallets(page, [{ name: "Test Wallet", wallet }]);
      await page.goto(started.value.link);
      await page.getByRole("button", { name: "Test Wallet" }).click();
      await poll(() => page.locator("#result-title").textContent()).toBe("Wallet linked");
      const granted = discord.calls.filter(
        (call) =>
          call.method === "PUT" &&
          call.path === `/guilds/${world.community}/members/${member}/roles/${holders}`,
      );
      expect(granted).toHaveLength(1);
      expect(problems).toEqual({ csp: [], errors: [] });
    } finally {
      afterLink = undefined;
      await context.close();
      await world.close();
      await discord.close();
      await solana.close();
    }
  });

  it("refuses a signature made with another key, shows why, and lets the member retry with the right wallet", async () => {
    const member = uniqueSnowflake();
    const wallet = newWallet();
    const link = await linkFor(member);
    const { context, page, problems } = await openContext();
    await installWallets(page, [
      { name: "Forger Wallet", wallet: newWallet(), signer: newWallet() },
      { name: "Test Wallet", wallet },
      { name: "Declining Wallet", wallet: newWallet(), declines: true },
    ]);
    await page.goto(link);
    // The member closes the wallet's prompt: said plainly, nothing sent, the wallets stay offered.
    await page.getByRole("button", { name: "Declining Wallet" }).click();
    await poll(() => page.locator("#result-text").textContent()).toMatch(/did not sign/);
    await expect(page.locator("#wallets").isVisible()).resolves.toBe(true);
    await page.getByRole("button", { name: "Forger Wallet" }).click();
    await page.locator("#result").waitFor({ state: "visible" });
    await expect(page.locator("#result-title").textContent()).resolves.toBe("Not linked");
    await expect(page.locator("#result-text").textContent()).resolves.toMatch(/signature does not match/);
    await expect(page.locator("#wallets").isVisible()).resolves.toBe(true);
    await screenshot(page, "error");

    // A forged signature does not spend the link: the real wallet still links with it.
    await page.getByRole("button", { name: "Test Wallet" }).click();
    await poll(() => page.locator("#result-title").textContent()).toBe("Wallet linked");
    await expect(walletList(member)).resolves.toContain(wallet.address);
    const attempts = await database.prisma.walletLinkAttempt.findMany({
      where: { memberId: member },
      orderBy: { id: "asc" },
      select: { outcome: true },
    });
    expect(attempts.map((attempt) => attempt.outcome)).toEqual(["bad_signature", "linked"]);
    expect(problems).toEqual({ csp: [], errors: [] });
    await context.close();
  });

  it("asks which account to link when the wallet holds several, and links the one chosen", async () => {
    const member = uniqueSnowflake();
    const [first, second] = [newWallet(), newWallet()];
    const link = await linkFor(member);
    const { context, page, problems } = await openContext();
    await installWallets(page, [{ name: "Test Wallet", wallet: first, more: [second] }]);
    await page.goto(link);
    await page.getByRole("button", { name: "Test Wallet" }).click();
    const choice = page.getByRole("button", { name: second.address });
    await choice.waitFor();
    await expect(page.getByRole("button", { name: first.address }).isVisible()).resolves.toBe(true);
    await screenshot(page, "accounts");
    await choice.click();
    await poll(() => page.locator("#result-title").textContent()).toBe("Wallet linked");
    await expect(page.locator("#result-address").textContent()).resolves.toBe(second.address);
    const list = await walletList(member);
    expect(list).toContain(second.address);
    expect(list).not.toContain(first.address);
    expect(problems).toEqual({ csp: [], errors: [] });
    await context.close();
  });

  it("without a browser wallet, says so and links by a pasted signature of the message shown", async () => {
    const member = uniqueSnowflake();
    const wallet = newWallet();
    const link = await linkFor(member);
    const { context, page, problems } = await openContext();
    await page.goto(link);
    await screenshot(page, "initial");
    await poll(() => page.locator("#wallets-hint").textContent()).toMatch(/No browser wallet was found/);
    await screenshot(page, "no-wallet");

    // A mistyped address is caught on the page, with the field marked.
    await page.getByLabel("Your wallet address").fill("not-an-address");
    await page.getByRole("button", { name: "Show the message to sign" }).click();
    await expect(page.getByLabel("Your wallet address").getAttribute("aria-invalid")).resolves.toBe("true");

    await page.getByLabel("Your wallet address").fill(wallet.address);
    await page.getByRole("button", { name: "Show the message to sign" }).click();
    const messageBox = page.getByLabel("Message to sign");
    await messageBox.waitFor({ state: "visible" });
    const message = await messageBox.inputValue();
    expect(message).toContain(`\n${wallet.address}\n`);
    await screenshot(page, "fallback");

    // A private key pasted by mistake is refused with a warning and never linked.
    const privateKey = Buffer.from(wallet.secretKey);
    await page.getByLabel("Signature (base58)").fill(encodeBase58(privateKey));
    await page.getByRole("button", { name: "Verify and link" }).click();
    await poll(() => page.locator("#result-text").textContent()).toMatch(/private key, not a signature/);

    await page.getByLabel("Signature (base58)").fill(wallet.sign(message));
    await page.getByRole("button", { name: "Verify and link" }).click();
    await poll(() => page.locator("#result-title").textContent()).toBe("Wallet linked");
    await screenshot(page, "fallback-success");
    if (SCREENS) {
      await page.emulateMedia({ colorScheme: "dark" });
      await screenshot(page, "success-dark");
    }
    await expect(walletList(member)).resolves.toContain(wallet.address);
    expect(problems).toEqual({ csp: [], errors: [] });
    await context.close();
  });

  it("is served with a CSP that forbids inline scripts, and an unknown link says so", async () => {
    const response = await fetch(`${server.url}/wallet/link/${"1".repeat(44)}`);
    expect(response.status).toBe(200);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("script-src-attr 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const html = await response.text();
    // Its only script is our file: no inline code, nothing from another origin.
    expect([...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0])).toEqual([
      '<script type="module" src="../../static/wallet-link.js">',
    ]);
    expect(html).not.toMatch(/\son\w+=/);

    const { context, page } = await openContext();
    const violations: string[] = [];
    await page.exposeFunction("__violation", (directive: string) => violations.push(directive));
    await page.addInitScript(() => {
      const win = globalThis as unknown as PageGlobals;
      win.document.addEventListener("securitypolicyviolation", (event) =>
        win.__violation(event.effectiveDirective),
      );
    });
    await page.goto(`${server.url}/wallet/link/${"1".repeat(44)}`);
    await page.locator("#result").waitFor({ state: "visible" });
    await expect(page.locator("#result-text").textContent()).resolves.toMatch(/not valid/);
    expect(violations).toEqual([]);
    // An injected inline script does not run under the page's policy.
    const ran = await page.evaluate(async () => {
      const win = globalThis as unknown as PageGlobals;
      const script = win.document.createElement("script");
      script.textContent = "window.__inlineRan = true";
      win.document.body.append(script);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return win.__inlineRan === true;
    });
    expect(ran).toBe(false);
    await poll(() => violations).toContain("script-src-elem");
    await context.close();
  });
});
