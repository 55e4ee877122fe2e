import { describe, expect, it } from "vitest";
import {
  createListenerPipeline,
  immediateAnswersOf,
  translate,
  type ConsumerOutcome,
  type ListenedMessage,
  type ListenerConsumer,
} from "@memebot/core";

function message(overrides: Partial<ListenedMessage> = {}): ListenedMessage {
  return {
    key: "telegram:1:100",
    platform: "telegram",
    community: { platform: "telegram", externalId: "-1001", kind: "group" },
    threadKey: "telegram:-1001",
    author: { externalId: "42", isBot: false },
    origin: "user",
    text: "gm bot, how are you?",
    isPrivate: false,
    mentionsBot: true,
    repliesToBot: false,
    replyTo: { platform: "telegram", chatId: "-1001", replyToMessageId: 5 },
    receivedAt: Date.now(),
    ...overrides,
  };
}

/** A consumer that keeps what it was handed: the pipeline's contract is what reaches it. */
function keepingConsumer(
  name: string,
  wants: (message: ListenedMessage) => boolean,
  outcome: () => Promise<ConsumerOutcome> = async () => ({ outcome: "kept", replies: 1 }),
) {
  const asked: ListenedMessage[] = [];
  const handled: ListenedMessage[] = [];
  const consumer: ListenerConsumer = {
    name,
    wants(candidate) {
      asked.push(candidate);
      return wants(candidate);
    },
    async handle(candidate) {
      handled.push(candidate);
      return outcome();
    },
  };
  return { consumer, asked, handled };
}

const silentLogger = () => {
  const errors: Array<{ object: object; message: string }> = [];
  return {
    errors,
    logger: { error: (object: object, text: string) => errors.push({ object, message: text }) },
  };
};

describe("listener pipeline", () => {
  it.each([
    ["a bot author", message({ author: { externalId: "9", isBot: true } }), "bot_author"],
    ["a webhook", message({ origin: "webhook" }), "not_from_a_member"],
    ["a system message", message({ origin: "system" }), "not_from_a_member"],
    ["empty text", message({ text: "   " }), "no_text"],
    ["emoji only", message({ text: "🚀🚀 🔥" }), "no_text"],
    ["digits and punctuation", message({ text: "+1 100%" }), "no_text"],
  ])("GIVEN %s THEN no consumer is even asked", async (_case, input, reason) => {
    const { consumer, asked } = keepingConsumer("any", () => true);
    const { logger } = silentLogger();
    const pipeline = createListenerPipeline({ consumers: [consumer], logger });

    const report = await pipeline.receive(input);

    expect(report).toEqual({ dropped: reason, handled: [], replies: 0, failed: false, notices: [] });
    expect(asked).toHaveLength(0);
  });

  it("GIVEN a message only one consumer wants THEN only that one handles it, and its replies are reported", async () => {
    const wanting = keepingConsumer("conversation", () => true);
    const notWanting = keepingConsumer("sentiment", () => false);
    const pipeline = createListenerPipeline({
      consumers: [wanting.consumer, notWanting.consumer],
      logger: silentLogger().logger,
    });

    const report = await pipeline.receive(message());

    expect(report).toEqual({
      handled: [{ consumer: "conversation", outcome: { outcome: "kept", replies: 1 } }],
      replies: 1,
      failed: false,
      notices: [],
    });
    expect(wanting.handled).toHaveLength(1);
    expect(notWanting.asked).toHaveLength(1);
    expect(notWanting.handled).toHaveLength(0);
  });

  it("GIVEN no consumer wants it THEN it is dropped as unwanted", async () => {
    const { consumer } = keepingConsumer("conversation", () => false);
    const pipeline = createListenerPipeline({ consumers: [consumer], logger: silentLogger().logger });
    expect(await pipeline.receive(message())).toEqual({
      dropped: "unwanted",
      handled: [],
      replies: 0,
      failed: false,
      notices: [],
    });
  });

  it("GIVEN over-long text THEN consumers get it clipped at a character boundary, trimmed", async () => {
    const { consumer, handled } = keepingConsumer("any", () => true);
    const pipeline = createListenerPipeline({
      consumers: [consumer],
      logger: silentLogger().logger,
      maxTextLength: 10,
    });

    await pipeline.receive(message({ text: "  gm 👩🏽‍💻 and more text" }));

    // "gm " is 3 units, the emoji sequence 7: together exactly 10.
    expect(handled[0]?.text).toBe("gm 👩🏽‍💻");
  });

  it("GIVEN a consumer that fails THEN the failure is logged, the others still handle the message, and receive resolves", async () => {
    const failing = keepingConsumer(
      "broken",
      () => true,
      async () => {
        throw new Error("redis is down");
      },
    );
    const working = keepingConsumer("conversation", () => true);
    const { logger, errors } = silentLogger();
    const pipeline = createListenerPipeline({ consumers: [failing.consumer, working.consumer], logger });

    const report = await pipeline.receive(message());

    expect(report.handled).toEqual([
      { consumer: "broken", outcome: "failed" },
      { consumer: "conversation", outcome: { outcome: "kept", replies: 1 } },
    ]);
    expect(report.replies).toBe(1);
    // "broken" promised no member an answer: nobody is told of its trouble.
    expect(report.failed).toBe(false);
    expect(working.handled).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.object).toMatchObject({ consumer: "broken", key: "telegram:1:100" });
  });

  it("GIVEN a consumer members expect an answer from fails THEN the report says so, and the adapter's answer is the internal-error line", async () => {
    const failing = keepingConsumer(
      "conversation",
      () => true,
      async () => {
        throw new Error("enqueue failed");
      },
    );
    const pipeline = createListenerPipeline({
      consumers: [{ ...failing.consumer, answersMembers: true }],
      logger: silentLogger().logger,
    });

    const report = await pipeline.receive(message());

    expect(report).toMatchObject({ failed: true, replies: 0, notices: [] });
    expect(immediateAnswersOf(report, "en")).toEqual([translate("en", "error.internal")]);
    expect(immediateAnswersOf(report, "es")).toEqual([translate("es", "error.internal")]);
  });

  it("GIVEN a consumer with something to tell the member THEN the report carries it for the adapter to send", async () => {
    const telling = keepingConsumer(
      "conversation",
      () => true,
      async () => ({ outcome: "off", replies: 0, notice: "I answer commands." }),
    );
    const pipeline = createListenerPipeline({ consumers: [telling.consumer], logger: silentLogger().logger });

    const report = await pipeline.receive(message());

    expect(report).toMatchObject({ failed: false, replies: 0, notices: ["I answer commands."] });
    expect(immediateAnswersOf(report, "en")).toEqual(["I answer commands."]);
  });

  it("GIVEN close THEN every consumer that keeps something is told once", async () => {
    let closed = 0;
    const batching: ListenerConsumer = {
      name: "sentiment",
      wants: () => true,
      handle: async () => ({ outcome: "batched", replies: 0 }),
      close: async () => {
        closed += 1;
      },
    };
    const pipeline = createListenerPipeline({ consumers: [batching], logger: silentLogger().logger });
    await pipeline.close();
    expect(closed).toBe(1);
  });
});
