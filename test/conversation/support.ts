// The conversation as production composes it, for the Telegram and Discord conversation tests:
// the bot's core (the listener pipeline, the conversation consumer, the job producer) on this
// run's PostgreSQL and the real Redis, the real worker answering chat.reply jobs through the real
// model gateway, and fakes only for Telegram, Discord and the model server.
import { randomUUID } from "node:crypto";
import { createTokenBudgetLedger } from "@memebot/ai/accounting";
import { createRepositories, type Repositories } from "@memebot/db";
import type { FakeChatRequest, FakeOpenAI, FakeOpenAIRequest } from "../fakes/openai/server.ts";
import { repositoryOptions } from "../support/database.ts";
import { fakeServicesEnv } from "../support/fake-services-env.ts";
import { startTestWorker, type RunningWorker } from "../worker/support.ts";
import type { BotCore } from "../support/bot-core.ts";

/** The model server's key: it must never reach a prompt. */
export const MODEL_API_KEY = "sk-conversation-SECRET-5d1f0a";

export const uniqueConversationPrefix = () => `test-conversation-${randomUUID()}`;

/** The real worker on `prefix`, with the fake model server and the given platform's variables. */
export async function startConversationWorker(
  prefix: string,
  model: FakeOpenAI,
  platform: Parameters<typeof fakeServicesEnv>[0] & { discordToken?: string; modelTimeoutMs?: number },
): Promise<RunningWorker> {
  return startTestWorker(prefix, {
    ...fakeServicesEnv(platform),
    ...(platform.modelTimeoutMs ? { LLM_TIMEOUT_MS: String(platform.modelTimeoutMs) } : {}),
    LLM_API_KEY: MODEL_API_KEY,
    ...(platform.discordToken ? { DISCORD_TOKEN: platform.discordToken } : {}),
    LLM_BASE_URL: model.baseURL,
  });
}

/** Chat completions the model server received (not /models probes), oldest first. */
export const chatRequests = (model: FakeOpenAI): FakeOpenAIRequest[] =>
  model.requests.filter((request) => request.path === "/v1/chat/completions");

/** The system prompt of a request. */
export const systemOf = (body: FakeChatRequest): string =>
  String(body.messages?.find((message) => message.role === "system")?.content ?? "");

/** Everything after the system prompt, as the model read it. */
export const turnsOf = (body: FakeChatRequest): Array<{ role: string; content: string }> =>
  (body.messages ?? [])
    .filter((message) => message.role !== "system")
    .map((message) => ({ role: message.role, content: String(message.content ?? "") }));

/** Members' messages the model was shown, in order: the text inside each <chat_message> tag. */
export const chatMessagesOf = (body: FakeChatRequest): string[] =>
  turnsOf(body)
    .filter((turn) => turn.role === "user")
    .flatMap((turn) => [
      ...turn.content.matchAll(/<chat_message from="member-\d+">([\s\S]*?)<\/chat_message>/g),
    ])
    .map((match) => match[1] ?? "");

/** Stored conversation history of a thread, oldest first. */
export async function storedThread(core: BotCore, threadKey: string) {
  return core.infrastructure.database.prisma.conversationMessage.findMany({
    where: { threadKey },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { role: true, authorId: true, text: true, createdAt: true },
  });
}

/** Redis keys of this prefix that mention `fragment` (a chat id, a message key). */
export async function redisKeysAbout(core: BotCore, fragment: string): Promise<string[]> {
  const keys = await core.infrastructure.redis.keys(`${core.prefix}:*`);
  return keys.filter((key) => key.includes(fragment));
}

/** Spends a community's budget for today as the gateway would have. */
export async function spendBudget(
  core: BotCore,
  community: { platform: string; externalId: string },
  tokens: number,
) {
  const ledger = createTokenBudgetLedger({ redis: core.infrastructure.redis, prefix: core.prefix });
  await ledger.add(community, tokens);
}

export const repositoriesOf = (core: BotCore): Repositories =>
  createRepositories(core.infrastructure.database.prisma, repositoryOptions);

/** An answer of about 9,000 characters in ten paragraphs, none of it unsafe. */
export function longAnswer(): string {
  const paragraph = (n: number) =>
    `Part ${n}. ${"Diamond hands hold the line while paper hands fold, and the memes keep flowing. ".repeat(11)}Stay based, fren.`;
  return Array.from({ length: 10 }, (_, n) => paragraph(n + 1)).join("\n\n");
}
