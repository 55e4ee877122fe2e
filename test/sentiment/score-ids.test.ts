// Stored chatter scored by a model that answers badly, through the real gateway (fake OpenAI server)
// and the real PostgreSQL: the fake reverses its answers, leaves one message out and invents an id
// in every first answer, and each message gets a score of its own (from the number in its text), so
// a score stored on the wrong row, or a batch's ids crossed with another's, shows. score.test.ts
// covers the happy path with one label for every row.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, type TestContext } from "vitest";
import { createSentimentScorer } from "@memebot/ai";
import { scoreChatter, type ChatterCommunity, type ScoreChatterDependencies } from "@memebot/core";
import { createRepositories, type Database } from "@memebot/db";
import { startFakeOpenAI, type FakeChatRequest, type FakeOpenAI } from "../fakes/openai/server.ts";
import { gatewayFactory, modelsConfig, provider } from "../ai/gateway/support.ts";
import { openTestDatabase, repositoryOptions } from "../support/database.ts";

let database: Database;
let repositories: ReturnType<typeof createRepositories>;
let fake: FakeOpenAI;
beforeAll(async () => {
  database = await openTestDatabase();
  repositories = createRepositories(database.prisma, repositoryOptions);
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
  await database.close();
});
beforeEach(() => {
  fake.requests.splice(0);
});

interface Sent {
  id: string;
  text: string;
}

/** The messages of a request, as the prompt lists them. */
function sentMessages(body: FakeChatRequest): Sent[] {
  const user = String(body.messages?.find((message) => message.role === "user")?.content ?? "");
  return [...user.matchAll(/^<chat_message id="([^"]+)">(.*)<\/chat_message>$/gm)].map((match) => ({
    id: match[1] as string,
    text: match[2] as string,
  }));
}

const KINDS = ["moon", "rug", "gm"] as const;
const LABEL = { moon: "bullish", rug: "bearish", gm: "neutral" } as const;

/** What the text of message `n` is, and what a model reading it would say. */
const textOf = (n: number) => `message ${n} ${KINDS[n % 3]} talk`;
function expectedOf(n: number) {
  const kind = KINDS[n % 3] as (typeof KINDS)[number];
  const size = (n + 1) / 1000;
  const score = kind === "moon" ? size : kind === "rug" ? -size : 0;
  return { label: LABEL[kind], score, confidence: Number((0.5 + size).toFixed(3)) };
}
function rate({ id, text }: Sent) {
  const n = Number(/message (\d+)/.exec(text)?.[1]);
  return { id, ...expectedOf(n) };
}

/** A tracking community with `count` pending messages, one second apart, oldest first. */
async function communityWith(count: number): Promise<ChatterCommunity> {
  const community = { platform: "telegram" as const, externalId: `-100${randomUUID()}` };
  await repositories.chatter.trackToken({ community, symbol: "SEED", aliases: [], createdBy: "1" });
  const start = Date.now() - count * 1_000;
  await repositories.chatter.insertMessages(
    Array.from({ length: count }, (_, n) => ({
      community,
      key: `telegram:${community.externalId}:${n}`,
      channelKey: `telegram:${community.externalId}`,
      authorId: String(n % 7),
      text: textOf(n),
      mentions: [],
      contentHash: randomUUID(),
      createdAt: new Date(start + n * 1_000),
    })),
  );
  return community;
}

const rowsOf = (community: ChatterCommunity) =>
  database.prisma.chatterMessage.findMany({
    where: { community: { platform: community.platform, externalId: community.externalId } },
    orderBy: { createdAt: "asc" },
  });

function dependencies(context: TestContext): ScoreChatterDependencies {
  const { gateway } = gatewayFactory(context).open(
    modelsConfig([provider("local", fake.baseURL, { models: ["qwen"] })]),
  );
  return {
    settings: async () => ({ models: {}, tokenBudgetPerDay: 0 }),
    pendingMessages: (community, limit) => repositories.chatter.pendingMessages(community, limit),
    storeScores: (rows) => repositories.chatter.storeScores(rows),
    scorer: createSentimentScorer({ gateway }),
    requestScoring: async () => undefined,
  };
}

describe("scoring stored chatter with a model that reorders, drops and invents ids", () => {
  it("GIVEN 120 messages, each with its own score THEN every row stores its own score, the dropped ones asked again", async (context) => {
    const asked = new Map<string, number>();
    const dropped: string[] = [];
    fake.setBehaviour((body: FakeChatRequest) => {
      const sent = sentMessages(body);
      const first = sent.filter((message) => !asked.has(message.text));
      for (const message of sent) asked.set(message.text, (asked.get(message.text) ?? 0) + 1);
      // A first ask leaves its first message out; every answer is reversed and carries a made-up id.
      const leftOut = first[0];
      if (leftOut) dropped.push(leftOut.text);
      const answered = sent.filter((message) => message !== leftOut).map(rate);
      const scores = [...answered.reverse(), { id: "m999", label: "bullish", score: 1, confidence: 1 }];
      return { kind: "reply", content: JSON.stringify({ scores }) };
    });
    const community = await communityWith(120);
    const result = await scoreChatter(community, dependencies(context));
    expect(result).toMatchObject({ scored: 120, byScorer: { "model:qwen": 120 } });

    const rows = await rowsOf(community);
    expect(rows).toHaveLength(120);
    for (const [n, row] of rows.entries()) {
      expect(row.text).toBe(textOf(n));
      expect({ label: row.label, score: row.score, confidence: row.confidence, scorer: row.scorer }).toEqual({
        ...expectedOf(n),
        scorer: "model:qwen",
      });
    }
    // Three batches; each left one message out, and only those were asked again, once each.
    expect(dropped).toHaveLength(3);
    expect([...asked.entries()].filter(([, times]) => times > 1).map(([text]) => text)).toEqual(dropped);
    expect(Math.max(...asked.values())).toBe(2);
  });

  it("GIVEN a model that never answers some messages THEN those rows alone are scored offline, the rest keep the model's scores", async (context) => {
    // Messages about a rug are never answered; the others are, in reverse.
    fake.setBehaviour((body: FakeChatRequest) => {
      const scores = sentMessages(body)
        .filter((message) => !message.text.includes("rug"))
        .map(rate)
        .reverse();
      return { kind: "reply", content: JSON.stringify({ scores }) };
    });
    const community = await communityWith(30);
    const result = await scoreChatter(community, dependencies(context));
    expect(result).toMatchObject({ scored: 30, byScorer: { "model:qwen": 20, offline: 10 } });
    for (const [n, row] of (await rowsOf(community)).entries()) {
      if (KINDS[n % 3] === "rug") {
        expect(row.scorer).toBe("offline");
        // The offline scorer reads "rug" as bearish too, with a score of its own.
        expect(row.label).toBe("bearish");
        expect(row.score).not.toBe(expectedOf(n).score);
      } else {
        expect(row).toMatchObject({ scorer: "model:qwen", ...expectedOf(n) });
      }
      expect(row.scoredAt).not.toBeNull();
    }
  });
});
