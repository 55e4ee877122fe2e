import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "./server.ts";

// Plain fetch here: the fake's wire format is what is under test. The real openai client
// runs against it in test/ai/gateway/.
let fake: FakeOpenAI;

beforeEach(async () => {
  fake = await startFakeOpenAI({ models: ["a-model", "b-model"] });
});

afterEach(async () => {
  await fake.close();
});

function chat(body: object): Promise<Response> {
  return fetch(`${fake.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer k" },
    body: JSON.stringify(body),
  });
}

describe("startFakeOpenAI", () => {
  it("answers by default with a chat.completion holding meme JSON about the user's topic", async () => {
    const system = [
      "## Templates",
      '- two-boxes: Setup and punchline. Boxes: "top" (setup), "bottom" (punchline).',
      '- other: Another. Boxes: "a" (one).',
    ].join("\n");
    const response = await chat({
      model: "a-model",
      messages: [
        { role: "system", content: system },
        { role: "user", content: "Topic: bonk\nLanguage: English (en)" },
      ],
    });
    const completion = (await response.json()) as {
      object: string;
      model: string;
      choices: Array<{ message: { content: string }; finish_reason: string }>;
    };

    expect(response.headers.get("content-type")).toBe("application/json");
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("a-model");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    // The first template listed, its first box set up and its last the punchline.
    expect(JSON.parse(completion.choices[0]?.message.content ?? "")).toEqual({
      template: "two-boxes",
      texts: { top: "NOBODY:", bottom: "BONK HOLDERS: WAGMI" },
      caption: "gm bonk frens",
    });
  });

  it("records each request's path, body, headers and time", async () => {
    const before = Date.now();
    await chat({ model: "a-model", messages: [] });
    expect(fake.requests).toEqual([
      {
        path: "/v1/chat/completions",
        body: { model: "a-model", messages: [] },
        headers: expect.objectContaining({ authorization: "Bearer k" }),
        at: expect.any(Number),
      },
    ]);
    expect(fake.requests[0]?.at).toBeGreaterThanOrEqual(before);
  });

  it("streams chat.completion.chunk frames ending with [DONE] when asked to", async () => {
    fake.setBehaviour({ kind: "reply", content: "a streamed answer that spans several chunks" });
    const response = await chat({ model: "a-model", messages: [], stream: true });
    const text = await response.text();
    const frames = text.split("\n\n").filter(Boolean);

    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(frames.at(-1)).toBe("data: [DONE]");
    const chunks = frames.slice(0, -1).map(
      (frame) =>
        JSON.parse(frame.replace(/^data: /, "")) as {
          object: string;
          choices: Array<{ delta: { content?: string }; finish_reason: string | null }>;
        },
    );
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe(
      "a streamed answer that spans several chunks",
    );
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
  });

  it("lists its models", async () => {
    const response = await fetch(`${fake.baseURL}/models`);
    const list = (await response.json()) as { object: string; data: Array<{ id: string }> };
    expect(list.object).toBe("list");
    expect(list.data.map((model) => model.id)).toEqual(["a-model", "b-model"]);
  });

  it("chooses a behaviour per request from the request body", async () => {
    fake.setBehaviour((body) =>
      body.model === "down" ? { kind: "status", status: 503 } : { kind: "reply", content: "up" },
    );
    const down = await chat({ model: "down", messages: [] });
    const up = await chat({ model: "up", messages: [] });

    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ error: { type: "server_error", message: expect.any(String) } });
    expect(up.status).toBe(200);
  });

  it("answers garbage as a non-JSON body", async () => {
    fake.setBehaviour({ kind: "garbage" });
    const response = await chat({ model: "a-model", messages: [] });
    expect(response.headers.get("content-type")).toContain("text/html");
    await expect(response.clone().json()).rejects.toThrow();
  });

  it("refuses a wrong api key when it was given one", async () => {
    const guarded = await startFakeOpenAI({ apiKey: "right" });
    const response = await fetch(`${guarded.baseURL}/models`, { headers: { authorization: "Bearer wrong" } });
    await guarded.close();

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_api_key" } });
  });

  it("delays a reply by delayMs", async () => {
    fake.setBehaviour({ kind: "reply", content: "late", delayMs: 150 });
    const started = Date.now();
    await chat({ model: "a-model", messages: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("ends hanging requests when it closes", async () => {
    fake.setBehaviour({ kind: "hang" });
    const pending = chat({ model: "a-model", messages: [] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await fake.close();

    await expect(pending).rejects.toThrow();
    expect(fake.requestCount).toBe(1);
  });
});
