// The `chat.reply` use case: keep the member's message, answer the thread in the community's
// persona, post the answer within the platform's length limit, and keep the answer too.
//
// What the model writes is only ever text posted as a reply, after the platform's output rules
// (safe-text: no links, domains, handles, mentions, addresses) and the persona's avoided words.
// It cannot run a command, move value, change a setting or ping anyone: nothing reads its words
// as anything but text. An answer that breaks a rule is never "cleaned" and posted: the model
// is asked once more, then the offline answer goes out.
import { findAvoidedWord, personaPrompt, type Persona } from "../persona/persona.ts";
import type { PersonaStore } from "../persona/store.ts";
import type { ReplyTarget } from "../platform.ts";
import { findUnsafeText, type UnsafeTextKind } from "../safe-text.ts";
import type { SettingsStore } from "../settings-store.ts";
import { modelChoiceOf } from "../settings.ts";
import type { DeliverOnce } from "../usecases/deliver.ts";
import type { AnswerCache, KeptAnswer } from "./answer-cache.ts";
import { HISTORY_LIMIT, HISTORY_MAX_AGE_MS, type ConversationStore } from "./history.ts";
import { offlineConversationAnswer, type OfflineReason } from "./offline.ts";
import type { ConversationReply } from "./payload.ts";
import { buildConversationPrompt, type ConversationEntry, type PromptMessage } from "./prompt.ts";
import { MESSAGE_LIMITS, splitMessage } from "./split.ts";
import type { ThreadLocks } from "./thread-lock.ts";

/** The model gateway as conversation uses it (ModelGateway from @memebot/ai fits). */
export interface ConversationModel {
  text(request: {
    task: "chat";
    community: { platform: string; externalId: string };
    preferredModel?: string;
    dailyTokenBudget?: number;
    system: string;
    messages: readonly PromptMessage[];
    signal?: AbortSignal;
  }): Promise<
    { ok: true; value: string; model: string } | { ok: false; reason: OfflineReason; detail?: string }
  >;
}

/** Shows "typing…" in the chat until the returned function is called. */
export type StartTyping = (target: ReplyTarget) => () => void;

export interface AnswerConversationDependencies {
  model: ConversationModel;
  history: ConversationStore;
  settings: Pick<SettingsStore, "get">;
  personas: Pick<PersonaStore, "get">;
  answers: AnswerCache;
  /** One answer at a time per thread, so each job reads the answers before it. */
  threadLocks: ThreadLocks;
  deliver: DeliverOnce;
  typing?: StartTyping;
  logger?: { warn(object: object, message: string): void };
  now?: () => number;
}

/** A model answer longer than this is cut (at a character boundary) before it is checked and split. */
export const MAX_ANSWER_LENGTH = 12_000;

/**
 * A bot command's shape ("/persona reset"): Telegram makes it tappable, and a tap sends it as the
 * member. The model's words must never turn into a command, so an answer holding one is not posted.
 */
const COMMAND_LIKE = /(?:^|\s)\/[A-Za-z0-9_]{1,32}\b/;

const RULE_BROKEN: Record<UnsafeTextKind | "command" | "avoided" | "empty", string> = {
  link: "a link",
  domain: "a web address or domain name",
  mention: "a mention",
  handle: "an @handle",
  address: "a wallet address",
  command: "a bot command (a word starting with /)",
  avoided: "a word this community asked you never to use",
  empty: "nothing",
};

/** What is wrong with a model answer, or undefined when it may be posted. */
function ruleBrokenBy(text: string, persona: Persona): keyof typeof RULE_BROKEN | undefined {
  if (text === "") return "empty";
  const unsafe = findUnsafeText(text);
  if (unsafe) return unsafe.kind;
  if (COMMAND_LIKE.test(text)) return "command";
  if (findAvoidedWord(text, persona) !== undefined) return "avoided";
  return undefined;
}

const correctionFor = (problem: keyof typeof RULE_BROKEN) =>
  `Your previous reply was not posted because it contained ${RULE_BROKEN[problem]}. Write a new reply that follows every rule above.`;

function clipAnswer(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length <= MAX_ANSWER_LENGTH) return trimmed;
  const [first] = splitMessage(trimmed, MAX_ANSWER_LENGTH);
  return first ?? "";
}

/**
 * The answer to the thread's newest messages, or undefined when the thread ends with an answer
 * already (another job's answer took this message in). Runs under the thread's lock.
 */
async function composeAnswer(
  payload: ConversationReply,
  deps: AnswerConversationDependencies,
  now: () => number,
  signal?: AbortSignal,
): Promise<KeptAnswer | undefined> {
  const [settings, persona, recent] = await Promise.all([
    deps.settings.get(payload.community),
    deps.personas.get(payload.community),
    deps.history.recent(payload.threadKey, {
      limit: HISTORY_LIMIT,
      since: new Date(now() - HISTORY_MAX_AGE_MS),
    }),
  ]);
  if (recent.at(-1)?.role === "assistant") return undefined;
  // The message being answered is stored already; a job that ran very late may find it aged out.
  const history: ConversationEntry[] = recent.some((entry) => entry.role === "user")
    ? recent
    : [
        {
          role: "user",
          authorId: payload.authorId,
          text: payload.text,
          createdAt: new Date(payload.receivedAt),
        },
      ];
  // The answer sits right after the newest message it read, not at the moment it was done: a
  // member's message that arrived while the model worked comes after it, and is the next job's.
  const at = Math.max(...history.map((entry) => entry.createdAt.getTime())) + 1;
  const offline = (reason: OfflineReason): KeptAnswer => ({
    engine: "offline",
    reason,
    text: offlineConversationAnswer({
      key: payload.key,
      language: payload.language,
      reason,
      personaName: persona.name,
    }),
    at,
  });

  const personaBlock = personaPrompt(persona);
  let correction: string | undefined;
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    const prompt = buildConversationPrompt({
      personaBlock,
      language: payload.language,
      history,
      ...(correction ? { correction } : {}),
    });
    const result = await deps.model.text({
      task: "chat",
      community: { platform: payload.community.platform, externalId: payload.community.externalId },
      ...modelChoiceOf(settings, "chat"),
      system: prompt.system,
      messages: prompt.messages,
      ...(signal ? { signal } : {}),
    });
    if (!result.ok) return offline(result.reason);
    const text = clipAnswer(result.value);
    const problem = ruleBrokenBy(text, persona);
    if (problem === undefined) return { engine: "model", text, model: result.model, at };
    // Which rule, never the offending words: they may be exactly what an attacker wanted logged.
    deps.logger?.warn({ key: payload.key, attempt, problem }, "conversation answer broke the output rules");
    correction = correctionFor(problem);
  }
  return offline("invalid_response");
}

async function storeAnswer(
  place: { community: ConversationReply["community"]; threadKey: string },
  answer: KeptAnswer,
  deps: Pick<AnswerConversationDependencies, "history">,
): Promise<void> {
  await deps.history.append({
    ...place,
    role: "assistant",
    authorId: null,
    text: answer.text,
    at: new Date(answer.at),
  });
}

export async function answerConversation(
  payload: ConversationReply,
  deps: AnswerConversationDependencies,
  signal?: AbortSignal,
): Promise<{ outcome: string }> {
  const now = deps.now ?? Date.now;
  const place = { community: payload.community, threadKey: payload.threadKey };
  await deps.history.append({
    ...place,
    role: "user",
    authorId: payload.authorId,
    text: payload.text,
    at: new Date(payload.receivedAt),
  });
  // Came during the chat's cooldown: the answer already scheduled reads it from the history.
  if (!payload.answer) return { outcome: "conversation.folded" };

  let answer = await deps.answers.get(payload.key);
  if (!answer) {
    const release = await deps.threadLocks.acquire(payload.threadKey, signal);
    try {
      const stopTyping = deps.typing?.(payload.target);
      let composed: KeptAnswer | undefined;
      try {
        composed = await composeAnswer(payload, deps, now, signal);
      } finally {
        stopTyping?.();
      }
      if (!composed) return { outcome: "conversation.already_answered" };
      answer = await deps.answers.keep(payload.key, composed);
      // Stored before the thread is let go: the next job in this thread reads it.
      await storeAnswer(place, answer, deps);
    } finally {
      await release();
    }
  }

  // Each part has its own delivery key: a retried job skips the parts already posted.
  const parts = splitMessage(answer.text, MESSAGE_LIMITS[payload.target.platform]);
  for (const [index, part] of parts.entries()) {
    const message = {
      text: part,
      answers: payload.key,
      ...(index < parts.length - 1 ? { partial: true } : {}),
    };
    await deps.deliver(payload.target, message, `${payload.key}:answer:${index}`);
  }
  // Again for a retry that found the answer kept (stored once: same time and text).
  await storeAnswer(place, answer, deps);
  // Every part is out and the history holds it: a later retry (the worker died just now) finds the
  // thread ending with this answer and does not answer again.
  await deps.answers.forget(payload.key);
  return {
    outcome:
      answer.engine === "model"
        ? "conversation.model"
        : `conversation.offline.${answer.reason ?? "unavailable"}`,
  };
}
