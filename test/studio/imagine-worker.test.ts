// /imagine through the worker as `pnpm start:worker` composes it: the meme.imagine job answered
// with a picture sent to the fake Telegram (sendPhoto with its caption) when IMAGE_API_BASE_URL
// points at the fake images endpoint, and with the prompts (sendMessage) when it is unset.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { JobPayload } from "@memebot/core";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai/server.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram/server.ts";
import { uniquePrefix } from "../jobs/support.ts";
import { fakeServicesEnv } from "../support/fake-services-env.ts";
import { startTestWorker, type RunningWorker } from "../worker/support.ts";

const PROMPT = { prompt: "a frog wizard casting a spell, watercolor", negativePrompt: "nsfw, blurry" };
let telegram: FakeTelegram;
let model: FakeOpenAI;

beforeAll(async () => {
  [telegram, model] = await Promise.all([
    startFakeTelegram(),
    startFakeOpenAI({ behaviour: { kind: "reply", content: JSON.stringify(PROMPT) } }),
  ]);
});
afterAll(async () => {
  await Promise.all([telegram.close(), model.close()]);
});

let chats = -1_004_000_000_000;
function imaginePayload(idea: string): { chatId: number; payload: JobPayload<"meme.imagine"> } {
  const chatId = (chats -= 1);
  return {
    chatId,
    payload: {
      run: {
        key: `telegram:${chatId}:${randomUUID()}`,
        command: "imagine",
        args: idea,
        community: { platform: "telegram", externalId: String(chatId), title: "Frogs", kind: "group" },
        actor: { platform: "telegram", externalId: "4242", username: "alice", displayName: "Alice" },
        target: { platform: "telegram", chatId: String(chatId), replyToMessageId: 9 },
        language: "en",
        receivedAt: Date.now(),
      },
      idea,
    },
  };
}

async function answered(worker: RunningWorker, payload: JobPayload<"meme.imagine">) {
  await worker.producer.enqueue("meme.imagine", payload, { jobId: payload.run.key });
  return vi.waitFor(
    async () => {
      const run = await worker.repositories.commandRuns.findByKey(payload.run.key);
      expect(run?.status).toBe("succeeded");
      return run!;
    },
    { timeout: 15_000, interval: 50 },
  );
}

describe("the worker's meme.imagine", () => {
  it("sends the picture with its caption when an images endpoint is configured", async () => {
    const prefix = uniquePrefix();
    const worker = await startTestWorker(prefix, {
      ...fakeServicesEnv({ prefix, telegram, model }),
      IMAGE_API_BASE_URL: model.baseURL,
      IMAGE_MODEL: "flux-schnell",
    });
    try {
      const { chatId, payload } = imaginePayload("frog wizard");
      const run = await answered(worker, payload);
      expect(run.outcome).toBe("imagine.generated");
      const photos = telegram.callsOf("sendPhoto").filter((call) => Number(call.params.chat_id) === chatId);
      expect(photos).toHaveLength(1);
      expect(String(photos[0]?.params.caption)).toContain(`Prompt: ${PROMPT.prompt}`);
      expect(model.requests.some((request) => request.body.model === "flux-schnell")).toBe(true);
    } finally {
      await worker.close();
    }
  });

  it("sends the prompts when no images endpoint is configured", async () => {
    const prefix = uniquePrefix();
    const worker = await startTestWorker(prefix, fakeServicesEnv({ prefix, telegram, model }));
    try {
      const { chatId, payload } = imaginePayload("frog wizard");
      const run = await answered(worker, payload);
      expect(run.outcome).toBe("imagine.prompts");
      const texts = telegram.sentMessages(chatId).map((message) => ("text" in message ? message.text : ""));
      expect(texts).toHaveLength(1);
      expect(texts[0]).toContain(`Negative prompt:\n${PROMPT.negativePrompt}`);
      expect(telegram.callsOf("sendPhoto").filter((call) => Number(call.params.chat_id) === chatId)).toEqual(
        [],
      );
    } finally {
      await worker.close();
    }
  });
});
