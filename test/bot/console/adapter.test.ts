// The terminal console driven through streams, with the real dispatcher (PostgreSQL,
// the intake gate and the job queue on Redis) and answers over the real console channel:
// from a real job worker, or published the way the worker's sender publishes them.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { parseEnv } from "@memebot/config";
import type { CommandInvocation, Dispatch } from "@memebot/core";
import { publishConsoleReply, subscribeConsoleReplies } from "@memebot/delivery";
import { openInfrastructure } from "@memebot/runtime";
import { startWorker } from "@memebot/worker";
import { startConsoleAdapter, type ConsoleAdapterOptions } from "../../../apps/bot/src/console/adapter.ts";
import { recordingLogger, REDIS_URL } from "../../jobs/support.ts";
import { createBotCore, type BotCore } from "../../support/bot-core.ts";
import { testDatabaseUrl } from "../../support/database.ts";
import { startDatabaseProxy } from "../../support/tcp-proxy.ts";

/** The conversation's offline answer (its wording varies), labelled with why no model answered. */
const OFFLINE_CHAT = /^bot> .*offline engine[^\n]*no model is set up for chatting/i;
const BANNER = "Memebot console. You are the admin of a local community. Try /help; Ctrl+D quits.";
const OFFLINE_LABEL =
  "bot> (offline meme: no model endpoint is configured; picked and written by the built-in engine, not the AI model)";

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
/** Undone after each test, last first. */
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await redis.quit();
});

interface ComposeOptions {
  /** Runs after the dispatcher returned and before the console hears back. */
  afterDispatch?: () => Promise<void>;
  /** PostgreSQL to use; this run's test database unless a test reaches it through a proxy. */
  databaseUrl?: string;
  /** More environment variables for the bot's process. */
  env?: Record<string, string>;
}

/** The bot's dispatcher as production composes it, on a fresh prefix, recording which lines reached it. */
async function composeDispatch(options: ComposeOptions = {}) {
  const core = await createBotCore({
    ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  cleanups.push(() => core.close());
  const received: CommandInvocation[] = [];
  const dispatch: Dispatch = async (invocation) => {
    received.push(invocation);
    const result = await core.dispatch(invocation);
    await options.afterDispatch?.();
    return result;
  };
  return { dispatch, received, core, prefix: core.prefix };
}

/** Jobs waiting on the command queue: queued, and no worker took them. */
const waitingJobs = async (core: BotCore) => (await core.producer.counts())[0]?.counts.waiting;

/** A job worker for `prefix`, as `pnpm start:worker` runs it (offline meme engine). */
async function startRealWorker(prefix: string) {
  const infrastructure = await openInfrastructure(
    parseEnv({ DATABASE_URL: testDatabaseUrl(), REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: "silent" }),
  );
  const components = await startWorker(infrastructure);
  cleanups.push(async () => {
    for (const component of [...components].reverse()) await component.stop();
    await infrastructure.close();
  });
}

interface SessionOptions {
  interactive?: boolean;
  replyTimeoutMs?: number;
  input?: PassThrough;
  pictureDir?: string;
  /** The bot's listener, as production passes it: lines that are not commands go there. */
  listen?: ConsoleAdapterOptions["listen"];
}

async function openSession(prefix: string, dispatch: Dispatch, options: SessionOptions = {}) {
  const input = options.input ?? new PassThrough();
  // Written synchronously, so whatever the adapter printed before `done` resolved is here when it does.
  let printed = "";
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      printed += chunk.toString();
      callback();
    },
  });
  const subscriber = new Redis(REDIS_URL);
  const logger = recordingLogger();
  const session = await startConsoleAdapter({
    dispatch,
    logger,
    input,
    output,
    replyTimeoutMs: options.replyTimeoutMs ?? 15_000,
    ...(options.interactive === undefined ? {} : { interactive: options.interactive }),
    // Never the default ./memes: a test's pictures must not land in the working tree.
    pictureDir: options.pictureDir ?? (await mkdtemp(join(tmpdir(), "memebot-console-"))),
    ...(options.listen === undefined ? {} : { listen: options.listen }),
    subscribe: async (sessionId, onMessage) => {
      const subscription = subscribeConsoleReplies({ redis: subscriber, prefix, sessionId, onMessage });
      await subscription.ready;
      return subscription;
    },
  });
  cleanups.push(async () => {
    await session.stop();
    await subscriber.quit();
  });
  return {
    session,
    input,
    logger,
    printed: () => printed,
    botLines: () => printed.split("\n").filter((line) => line.startsWith("bot> ")),
  };
}

describe("console adapter, piped input", () => {
  it("handles each line in order and finishes with 0 once the worker's answer is in", async () => {
    const { dispatch, received, core, prefix } = await composeDispatch();
    await startRealWorker(prefix);
    const console = await openSession(prefix, dispatch, { listen: core.listener.receive });

    console.input.end("/help\n\nhello\n/meme wen lambo\n/nope\n");
    expect(await console.session.done).toBe(0);

    // Blank lines never reach the dispatcher, nor does plain text (the conversation's); commands
    // do, one after another.
    expect(received.map((invocation) => [invocation.key, invocation.name])).toEqual([
      [`console:${console.session.sessionId}:1`, "help"],
      [`console:${console.session.sessionId}:3`, "meme"],
      [`console:${console.session.sessionId}:4`, "nope"],
    ]);
    // The immediate answers come in the order of the questions; the meme and the conversation's
    // answer came while waiting.
    const lines = console.botLines();
    const helpAt = lines.indexOf("bot> Commands you can use here:");
    const unknownAt = lines.indexOf("bot> I don't know /nope. Send /help to see what I can do.");
    expect(helpAt).toBe(0);
    expect(unknownAt).toBeGreaterThan(helpAt);
    expect(lines.filter((line) => OFFLINE_CHAT.test(line))).toHaveLength(1);
    expect(lines).toContain("bot> /meme <topic> — Make a meme picture about a topic");
    // Already printed when `done` resolved: every line of the answer carries the "bot> " mark: the
    // caption, its offline label, the saved picture and the re-roll button.
    expect(lines).toContain("bot> wen lambo");
    expect(lines).toContain(OFFLINE_LABEL);
    expect(lines.some((line) => /^bot> \[picture\] .+\.jpeg$/.test(line))).toBe(true);
    expect(lines.some((line) => /^bot> \[🔁 Another one\] → \/meme again console:/.test(line))).toBe(true);
    expect(console.printed()).not.toContain("gave up");

    // The worker books the run once the answer is out.
    await vi.waitFor(async () => {
      const runs = await core.runs({ key: `console:${console.session.sessionId}:3` });
      expect(runs).toMatchObject([{ command: "meme", args: "wen lambo", status: "succeeded" }]);
    });
  });

  it("gives up with 1 after replyTimeoutMs when a queued answer never comes", async () => {
    const { dispatch, core, prefix } = await composeDispatch();
    const console = await openSession(prefix, dispatch, { replyTimeoutMs: 400 });

    const endedAt = Date.now();
    console.input.end("/meme nobody answers\n");
    expect(await console.session.done).toBe(1);

    expect(Date.now() - endedAt).toBeGreaterThanOrEqual(390);
    expect(console.printed()).toBe("bot> (gave up waiting for 1 answer(s))\n");
    // The command really went to the queue; no worker took it.
    expect(await waitingJobs(core)).toBe(1);
  });

  it("prints a published answer line by line, saves its picture in the picture folder, and shows its button as a command", async () => {
    const { dispatch, prefix } = await composeDispatch();
    const folder = await mkdtemp(join(tmpdir(), "memebot-pictures-"));
    const pictureDir = join(folder, "memes");
    const console = await openSession(prefix, dispatch, { pictureDir });
    const bytes = Uint8Array.from({ length: 256 }, (_, index) => index);

    console.input.end("/meme to the moon\n");
    await vi.waitFor(async () => {
      // As the worker's console sender does, once the job is done.
      await publishConsoleReply(redis, prefix, console.session.sessionId, {
        text: "TO THE MOON\nOR NOT",
        picture: { bytes, mimeType: "image/webp", fileName: "moon.webp" },
        buttons: [{ label: "🔁 Another one", command: "meme", args: "again abc" }],
        answers: `console:${console.session.sessionId}:1`,
      });
    });
    expect(await console.session.done).toBe(0);
    const lines = console.botLines();
    expect(lines).toHaveLength(4);
    expect(lines.slice(0, 2)).toEqual(["bot> TO THE MOON", "bot> OR NOT"]);
    expect(lines[3]).toBe("bot> [🔁 Another one] → /meme again abc");
    const saved = /^bot> \[picture\] (.+)$/.exec(lines[2] ?? "")?.[1] ?? "";
    expect(saved.startsWith(join(pictureDir, ""))).toBe(true);
    expect(saved.endsWith("moon.webp")).toBe(true);
    expect(new Uint8Array(await readFile(saved))).toEqual(bytes);
  });

  it("GIVEN a picture name with folders in it THEN saves the picture inside the picture folder all the same", async () => {
    const { dispatch, prefix } = await composeDispatch();
    const pictureDir = await mkdtemp(join(tmpdir(), "memebot-pictures-"));
    const console = await openSession(prefix, dispatch, { pictureDir });

    console.input.end("/meme pictures\n");
    await vi.waitFor(async () => {
      await publishConsoleReply(redis, prefix, console.session.sessionId, {
        text: "LOOK",
        picture: { bytes: new Uint8Array([1, 2, 3]), mimeType: "image/png", fileName: "../../etc/evil.png" },
        answers: `console:${console.session.sessionId}:1`,
      });
    });
    expect(await console.session.done).toBe(0);
    const saved = /\[picture\] (.+)\n$/.exec(console.printed())?.[1] ?? "";
    expect(dirname(saved)).toBe(pictureDir);
    expect(await readFile(saved)).toEqual(Buffer.from([1, 2, 3]));
  });

  it("GIVEN a picture folder that cannot be made THEN prints the answer, says the picture was not saved and logs why", async () => {
    const { dispatch, prefix } = await composeDispatch();
    const folder = await mkdtemp(join(tmpdir(), "memebot-pictures-"));
    const aFile = join(folder, "a-file");
    await writeFile(aFile, "not a folder");
    const console = await openSession(prefix, dispatch, { pictureDir: join(aFile, "memes") });

    console.input.end("/meme pictures\n");
    await vi.waitFor(async () => {
      await publishConsoleReply(redis, prefix, console.session.sessionId, {
        text: "LOOK",
        picture: { bytes: new Uint8Array([1]), mimeType: "image/png", fileName: "look.png" },
        answers: `console:${console.session.sessionId}:1`,
      });
    });
    expect(await console.session.done).toBe(0);
    expect(console.botLines()).toEqual([
      "bot> LOOK",
      `bot> [picture] (not saved in ${join(aFile, "memes")}; see the log)`,
    ]);
    expect(console.logger.lines.filter((line) => line.level === "error")).toHaveLength(1);
  });

  it("saves pictures in ./memes unless CONSOLE_PICTURES_DIR says otherwise", () => {
    expect(parseEnv({}).CONSOLE_PICTURES_DIR).toBe("./memes");
    expect(parseEnv({ CONSOLE_PICTURES_DIR: "/srv/memes" }).CONSOLE_PICTURES_DIR).toBe("/srv/memes");
  });

  it("finishes with 0 when the worker answers before the dispatch has returned", async () => {
    let printed: () => string = () => "";
    // The console hears back from the dispatcher only after the worker already answered.
    const { dispatch, prefix } = await composeDispatch({
      afterDispatch: () =>
        vi.waitFor(() => expect(printed()).toContain(OFFLINE_LABEL), { timeout: 10_000, interval: 20 }),
    });
    await startRealWorker(prefix);
    const console = await openSession(prefix, dispatch, { replyTimeoutMs: 3_000 });
    printed = console.printed;

    console.input.end("/meme fast worker\n");
    expect(await console.session.done).toBe(0);
    expect(console.printed()).toContain(OFFLINE_LABEL);
    expect(console.printed()).not.toContain("gave up");
  });

  it("waits for the last part of an answer split in parts, not for any message", async () => {
    const { dispatch, prefix } = await composeDispatch();
    const console = await openSession(prefix, dispatch, { replyTimeoutMs: 5_000 });
    const key = `console:${console.session.sessionId}:1`;
    const publish = (text: string, fields: { answers?: string; partial?: boolean }) =>
      publishConsoleReply(redis, prefix, console.session.sessionId, { text, ...fields });

    console.input.end("/meme one\n");
    // The first part, a message that answers nothing, another command's answer: none ends the wait.
    await vi.waitFor(() => publish("part 1 of 2", { answers: key, partial: true }));
    await publish("not an answer to anything", {});
    await publish("an answer to some other line", { answers: `${key}0` });
    await vi.waitFor(() => expect(console.printed()).toContain("some other line"));
    const early = await Promise.race([console.session.done, Promise.resolve("still waiting")]);
    expect(early).toBe("still waiting");

    await publish("part 2 of 2", { answers: key });
    expect(await console.session.done).toBe(0);
    expect(console.printed()).toContain("bot> part 2 of 2");
  });

  it("hands plain text to the conversation, waits for its answer, and ignores blank lines", async () => {
    const { dispatch, received, core, prefix } = await composeDispatch();
    await startRealWorker(prefix);
    const console = await openSession(prefix, dispatch, { listen: core.listener.receive });

    console.input.end("\n   \nhello there\n\t\n");
    expect(await console.session.done).toBe(0);

    expect(received).toHaveLength(0);
    const [job] = await core.jobs("chat.reply");
    expect(job?.data).toMatchObject({
      key: `console:${console.session.sessionId}:1`,
      text: "hello there",
      threadKey: `console:${console.session.sessionId}`,
      target: { platform: "console", sessionId: console.session.sessionId },
    });
    // Not a terminal: no banner, no prompt, nothing for the blank lines; one answer, labelled offline.
    const printed = console.printed().split("\n").filter(Boolean);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(OFFLINE_CHAT);
  });

  it("says sorry and carries on when a command fails on our side", async () => {
    // PostgreSQL goes away: the community's settings, read before anything else, cannot be had.
    const database = await startDatabaseProxy();
    cleanups.push(() => database.close());
    const { dispatch, prefix } = await composeDispatch({ databaseUrl: database.url });
    const console = await openSession(prefix, dispatch);
    database.cut();

    console.input.end("/help\nhello\n");
    expect(await console.session.done).toBe(0);

    expect(console.botLines()).toEqual([
      "bot> Something went wrong on our side. Please try again.",
      "bot> Something went wrong on our side. Please try again.",
    ]);
    expect(console.logger.lines.map((line) => line.message)).toEqual([
      "console command failed",
      "console command failed",
    ]);
  });

  it("says sorry when a chat line cannot reach the conversation, instead of saying nothing", async () => {
    // PostgreSQL goes away: the conversation consumer cannot read the community's settings.
    const database = await startDatabaseProxy();
    cleanups.push(() => database.close());
    const { dispatch, core, prefix } = await composeDispatch({ databaseUrl: database.url });
    const console = await openSession(prefix, dispatch, { listen: core.listener.receive });
    database.cut();

    console.input.end("hello there\n");
    expect(await console.session.done).toBe(0);

    expect(console.botLines()).toEqual(["bot> Something went wrong on our side. Please try again."]);
    expect(await core.jobs("chat.reply")).toEqual([]);
  });
});

describe("console adapter, database that stops answering", () => {
  it("says sorry within seconds instead of waiting for a database that went silent", async () => {
    const database = await startDatabaseProxy();
    const { dispatch, prefix } = await composeDispatch({
      databaseUrl: database.url,
      env: { DATABASE_CONNECT_TIMEOUT_MS: "1000", DATABASE_STATEMENT_TIMEOUT_MS: "1000" },
    });
    // Registered after the bot's clean-up, so it runs first: a hung connection must not hold that up.
    cleanups.push(() => database.close());
    const console = await openSession(prefix, dispatch);
    // Connections stay open and nothing comes back, as from a hung server or a dead network path.
    database.blackHole();

    const started = performance.now();
    console.input.end("/help\n");
    const finished = await Promise.race([
      console.session.done,
      new Promise((resolve) => setTimeout(resolve, 10_000, "still waiting")),
    ]);

    expect(finished).toBe(0);
    // Settings are read first: one query, bounded by the statement timeout plus a second's margin.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(console.botLines()).toEqual(["bot> Something went wrong on our side. Please try again."]);
    expect(console.logger.lines.map((line) => line.message)).toEqual(["console command failed"]);
  });
});

/**
 * What a terminal would show for this output: readline redraws the prompt line with carriage
 * returns, cursor moves (CSI n G) and erasures (CSI K, CSI J), which a plain string keeps.
 */
function terminalScreen(output: string): string {
  const lines: string[] = [""];
  let column = 0;
  const current = () => lines.length - 1;
  // eslint-disable-next-line no-control-regex
  const tokens = output.match(/\x1b\[[0-9;]*[A-Za-z]|[\s\S]/g) ?? [];
  for (const token of tokens) {
    const line = lines[current()] ?? "";
    // eslint-disable-next-line no-control-regex
    const csi = /^\x1b\[([0-9;]*)([A-Za-z])$/.exec(token);
    if (csi) {
      const [, argument = "", command] = csi;
      if (command === "G") column = Math.max(0, Number(argument || 1) - 1);
      else if (command === "K" && argument === "2") lines[current()] = "";
      else if (command === "K" || command === "J") lines[current()] = line.slice(0, column);
    } else if (token === "\r") column = 0;
    else if (token === "\n") {
      lines.push("");
      column = 0;
    } else {
      lines[current()] = line.slice(0, column).padEnd(column) + token + line.slice(column + 1);
      column += 1;
    }
  }
  return lines.join("\n");
}

describe("console adapter, interactive", () => {
  it("greets with the banner and a prompt, prompts again after each answer, and quits on Ctrl+D", async () => {
    const { dispatch, prefix } = await composeDispatch();
    const console = await openSession(prefix, dispatch, { interactive: true });

    expect(console.printed().startsWith(`${BANNER}\n`)).toBe(true);
    expect(console.printed()).toContain("you> ");

    const promptsBefore = console.printed().split("you> ").length;
    console.input.write("/help\r");
    await vi.waitFor(() => expect(console.printed()).toContain("bot> Commands you can use here:"));
    await vi.waitFor(() => {
      const afterAnswer = console.printed().split("bot> Commands you can use here:")[1] ?? "";
      expect(afterAnswer).toContain("you> ");
    });
    expect(console.printed().split("you> ").length).toBeGreaterThan(promptsBefore);

    let finished = false;
    void console.session.done.then(() => (finished = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(finished).toBe(false);

    console.input.write("\x04");
    expect(await console.session.done).toBe(0);
  });

  it("on Ctrl+D with an answer still coming, says it waits, and gives up after replyTimeoutMs", async () => {
    const { dispatch, core, prefix } = await composeDispatch();
    const console = await openSession(prefix, dispatch, { interactive: true, replyTimeoutMs: 400 });
    console.input.write("/meme nobody answers\r");
    await vi.waitFor(async () => expect(await waitingJobs(core)).toBe(1));

    const endedAt = Date.now();
    console.input.write("\x04");
    await vi.waitFor(() =>
      expect(console.botLines()).toContain(
        "bot> (waiting up to 1 s for the answers still coming; Ctrl+C quits now)",
      ),
    );
    expect(await console.session.done).toBe(1);
    expect(Date.now() - endedAt).toBeGreaterThanOrEqual(390);
    expect(console.botLines().at(-1)).toBe("bot> (gave up waiting for 1 answer(s))");
  });

  it("prints an answer that arrives while the user types above the prompt, keeping what was typed", async () => {
    const { dispatch, prefix } = await composeDispatch();
    const console = await openSession(prefix, dispatch, { interactive: true });
    console.input.write("/meme typing meanwhile\r");
    console.input.write("/hel");
    await startRealWorker(prefix);

    await vi.waitFor(() => expect(console.printed()).toContain("offline meme:"), { timeout: 10_000 });
    const screen = () => terminalScreen(console.printed());
    await vi.waitFor(() => expect(screen().endsWith("you> /hel")).toBe(true));
    // The prompt line the answer replaced was cleared first, so no answer line starts after a prompt.
    expect(screen()).not.toMatch(/you> bot>/);
    const answerLines = screen()
      .split("\n")
      // The answer's offline label; the command as typed has none.
      .filter((line) => line.includes("offline meme:"));
    expect(answerLines.length).toBeGreaterThan(0);
    expect(answerLines.every((line) => line.startsWith("bot> "))).toBe(true);
  });

  it("quits at once on Ctrl+C, answers still coming or not", async () => {
    const { dispatch, core, prefix } = await composeDispatch();
    const console = await openSession(prefix, dispatch, { interactive: true, replyTimeoutMs: 60_000 });
    console.input.write("/meme nobody answers\r");
    await vi.waitFor(async () => expect(await waitingJobs(core)).toBe(1));

    console.input.write("\x03");
    expect(await console.session.done).toBe(130);
    expect(console.printed()).not.toContain("waiting up to");
  });

  it("is interactive by default when the input is a terminal", async () => {
    const { dispatch, prefix } = await composeDispatch();
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const console = await openSession(prefix, dispatch, { input });

    expect(console.printed()).toContain(BANNER);
    expect(console.printed()).toContain("you> ");
  });
});
