// The terminal chat: each line typed is a message from the local user, who
// administers a local community. Answers from the worker arrive over Redis, so
// this works whether the worker runs in this process or another.
import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import { mkdir, writeFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { clearLine, createInterface, cursorTo } from "node:readline";
import type { Readable, Writable } from "node:stream";
import {
  DEFAULT_LANGUAGE,
  immediateAnswersOf,
  parseCommandLine,
  translate,
  type CommandInvocation,
  type Dispatch,
  type ListenedMessage,
  type ListenReport,
  type OutgoingMessage,
  type OutgoingPicture,
} from "@memebot/core";
import { consoleButtonHint } from "@memebot/delivery";

export interface ConsoleAdapterOptions {
  dispatch: Dispatch;
  /**
   * Takes a line that is not a command, as a private message to the bot (conversation); says how
   * many answers will come. Without it such a line goes to the dispatcher ("I answer commands").
   */
  listen?: (message: ListenedMessage) => Promise<ListenReport>;
  /** Starts listening for the worker's answers to this session; resolves once listening. */
  subscribe: (
    sessionId: string,
    onMessage: (message: OutgoingMessage) => void,
  ) => Promise<{ close(): Promise<void> }>;
  input?: Readable;
  output?: Writable;
  /** Interactive sessions show a prompt and run until closed; piped input ends when every answer is in. */
  interactive?: boolean;
  /**
   * A terminal cannot show a picture: those in answers are saved here (created when needed) and
   * shown by path. Relative to the working directory; "memes" unless said.
   */
  pictureDir?: string;
  /** Once input ended (piped input, or Ctrl+D), how long to wait for outstanding answers. */
  replyTimeoutMs?: number;
  logger: { error(object: object, message: string): void };
}

export interface ConsoleSession {
  sessionId: string;
  /** Resolves with the exit code once input ended and every answer arrived (or the wait timed out). */
  done: Promise<number>;
  stop(): Promise<void>;
}

/** The console's one community, which the local user administers. */
const LOCAL_COMMUNITY = {
  platform: "console",
  externalId: "local",
  title: "Local console",
  kind: "group",
} as const;

const username = () => {
  try {
    return userInfo().username;
  } catch {
    return "local";
  }
};

export async function startConsoleAdapter(options: ConsoleAdapterOptions): Promise<ConsoleSession> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const interactive = options.interactive ?? Boolean((input as { isTTY?: boolean }).isTTY);
  const replyTimeoutMs = options.replyTimeoutMs ?? 120_000;
  const sessionId = randomUUID();
  const user = username();

  // Keys of the commands and messages whose answer the worker will send, and of answers that came
  // before we learnt to wait for them (a fast worker can answer before dispatch has returned here).
  // Keys, not a count: an answer split in parts, or one sent again, is still one answer.
  const awaiting = new Set<string>();
  const answeredEarly = new Set<string>();
  const expectAnswer = (key: string) => {
    if (!answeredEarly.delete(key)) awaiting.add(key);
  };
  const answerArrived = (message: OutgoingMessage) => {
    if (message.answers === undefined || message.partial) return;
    if (!awaiting.delete(message.answers)) answeredEarly.add(message.answers);
  };
  let inputEnded = false;
  let lineNumber = 0;
  let settle: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (settle = resolve));
  const inFlight = new Set<Promise<void>>();
  let lastTask: Promise<void> = Promise.resolve();

  // Pictures are saved into the picture folder before their message is shown, so
  // messages go through one chain to keep their order.
  let printing: Promise<void> = Promise.resolve();
  const print = (message: OutgoingMessage) => {
    printing = printing.then(async () => {
      const lines = [`bot> ${message.text.replace(/\n/g, "\nbot> ")}`];
      if (message.picture) lines.push(`bot> [picture] ${await keepPicture(message.picture)}`);
      // A button cannot be pressed here: it shows the command that does the same, to be typed.
      for (const button of message.buttons ?? []) lines.push(`bot> ${consoleButtonHint(button)}`);
      // An answer arriving while the prompt waits replaces the prompt line; the prompt (and
      // whatever was typed) is drawn again below it.
      if (interactive) {
        cursorTo(output, 0);
        clearLine(output, 0);
      }
      output.write(`${lines.join("\n")}\n`);
    });
  };
  const promptAfterOutput = () => {
    // Once input ended (Ctrl+D) readline is closed: answers still print, the prompt does not.
    if (!interactive) return;
    printing = printing.then(() => {
      if (!inputEnded) readline.prompt(true);
    });
  };
  const pictureDir = resolve(options.pictureDir ?? "memes");
  let savedPictures = 0;
  const keepPicture = async (picture: OutgoingPicture): Promise<string> => {
    // The name comes from the worker: only its last part, in plain characters, goes into the path.
    const name = basename(picture.fileName).replace(/[^\w.-]/g, "_") || "picture";
    savedPictures += 1;
    const path = resolve(pictureDir, `${Date.now()}-${savedPictures}-${name}`);
    try {
      await mkdir(pictureDir, { recursive: true });
      await writeFile(path, picture.bytes);
      return path;
    } catch (error) {
      options.logger.error({ err: error, pictureDir }, "could not save a picture into the picture folder");
      return `(not saved in ${pictureDir}; see the log)`;
    }
  };
  const finishIfIdle = () => {
    if (inputEnded && awaiting.size === 0 && inFlight.size === 0) void printing.then(() => settle(0));
  };

  const subscription = await options.subscribe(sessionId, (message) => {
    print(message);
    answerArrived(message);
    promptAfterOutput();
    finishIfIdle();
  });

  // Created only once subscribed, and given its listeners in this same tick: readline
  // starts reading at once, and a line emitted before its listener exists is lost.
  // (Answers only follow commands, so the callback above never runs before this.)
  const readline = createInterface({
    input,
    output: interactive ? output : undefined,
    terminal: interactive,
  });
  readline.setPrompt("you> ");

  async function handle(text: string) {
    lineNumber += 1;
    const command = parseCommandLine(text);
    if (!command && options.listen) {
      await listen(options.listen, text);
      return;
    }
    const invocation: CommandInvocation = {
      key: `console:${sessionId}:${lineNumber}`,
      platform: "console",
      community: LOCAL_COMMUNITY,
      actor: { platform: "console", externalId: `local:${user}`, username: user, displayName: user },
      name: command?.name ?? null,
      ...(command ? {} : { nonCommand: "text" as const }),
      args: { kind: "text", text: command?.argsText ?? "" },
      addressed: true,
      target: { platform: "console", sessionId },
      receivedAt: Date.now(),
      isAdmin: async () => true,
    };
    try {
      const result = await options.dispatch(invocation);
      if (result.kind === "queued") expectAnswer(invocation.key);
      else if (result.kind === "reply" || (result.kind === "ignored" && result.reason === "limited")) {
        print(result.message);
        // Console lines are never redelivered, but the mark is kept alike on every platform.
        if (result.kind === "reply") await result.complete().catch(() => undefined);
      }
    } catch (error) {
      options.logger.error({ err: error }, "console command failed");
      // In the default language: the community's is in its settings, and reading them may be what failed.
      print({ text: translate(DEFAULT_LANGUAGE, "error.internal") });
    }
  }

  async function listen(take: NonNullable<ConsoleAdapterOptions["listen"]>, text: string) {
    const message: ListenedMessage = {
      key: `console:${sessionId}:${lineNumber}`,
      platform: "console",
      community: LOCAL_COMMUNITY,
      // One conversation per session: a new console starts afresh.
      threadKey: `console:${sessionId}`,
      author: { externalId: `local:${user}`, isBot: false },
      origin: "user",
      text,
      isPrivate: true,
      mentionsBot: false,
      repliesToBot: false,
      replyTo: { platform: "console", sessionId },
      receivedAt: Date.now(),
    };
    try {
      const report = await take(message);
      // Said at once (conversation off, or its answer cannot come): printed, not waited for.
      for (const notice of immediateAnswersOf(report, DEFAULT_LANGUAGE)) print({ text: notice });
      if (report.replies > 0) expectAnswer(message.key);
    } catch (error) {
      options.logger.error({ err: error }, "console message could not be listened to");
      print({ text: translate(DEFAULT_LANGUAGE, "error.internal") });
    }
  }

  readline.on("line", (line) => {
    if (line.trim() === "") {
      if (interactive) readline.prompt();
      return;
    }
    // One line after another, as in a chat: immediate answers keep the order of the questions.
    const previous = lastTask;
    const task = previous
      .then(() => handle(line))
      .finally(() => {
        inFlight.delete(task);
        promptAfterOutput();
        finishIfIdle();
      });
    inFlight.add(task);
    lastTask = task;
  });
  // Ctrl+C quits at once, with the shell's code for an interrupt; Ctrl+D waits for the answers
  // still coming. (Without this listener readline would treat Ctrl+C like Ctrl+D.)
  let interrupted = false;
  readline.on("SIGINT", () => {
    interrupted = true;
    output.write("\n");
    settle(130);
    readline.close();
  });
  readline.on("close", () => {
    inputEnded = true;
    if (interrupted) return;
    // Ctrl+D leaves the cursor after the prompt; whatever comes next starts on a line of its own.
    if (interactive) output.write("\n");
    // End of piped input, or Ctrl+D, with answers still coming: wait for them, but not forever.
    if (awaiting.size > 0 || inFlight.size > 0) {
      if (interactive) {
        const seconds = Math.ceil(replyTimeoutMs / 1000);
        output.write(`bot> (waiting up to ${seconds} s for the answers still coming; Ctrl+C quits now)\n`);
      }
      setTimeout(() => {
        if (awaiting.size > 0) output.write(`bot> (gave up waiting for ${awaiting.size} answer(s))\n`);
        settle(1);
      }, replyTimeoutMs).unref();
    }
    finishIfIdle();
  });
  if (interactive) {
    output.write("Memebot console. You are the admin of a local community. Try /help; Ctrl+D quits.\n");
    readline.prompt();
  }

  return {
    sessionId,
    done,
    async stop() {
      readline.close();
      await subscription.close();
    },
  };
}
