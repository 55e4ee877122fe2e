import { describe, expect, it } from "vitest";
import { createMetrics } from "@memebot/telemetry";
import type { QueueJobCounts } from "@memebot/telemetry";

describe("createMetrics", () => {
  it("renders counters and histograms with their labels in Prometheus text format", async () => {
    const metrics = createMetrics({ collectDefault: false });
    metrics.commandsTotal.inc({ platform: "telegram", command: "meme", outcome: "ok" });
    metrics.commandsTotal.inc({ platform: "telegram", command: "meme", outcome: "ok" });
    metrics.jobsTotal.inc({ job: "generate-meme", state: "retried" });
    metrics.modelGatewayRequestSeconds.observe({ provider: "vllm", model: "qwen", task: "chat" }, 1.7);
    metrics.intakeToEnqueueSeconds.observe({ platform: "discord" }, 0.004);
    metrics.updateToReplySeconds.observe({ platform: "console" }, 3);

    const { contentType, body } = await metrics.render();

    expect(contentType).toContain("text/plain");
    expect(body).toContain('memebot_commands_total{platform="telegram",command="meme",outcome="ok"} 2');
    expect(body).toContain('memebot_jobs_total{job="generate-meme",state="retried"} 1');
    expect(body).toContain(
      'memebot_model_gateway_request_seconds_bucket{le="2.5",provider="vllm",model="qwen",task="chat"} 1',
    );
    expect(body).toContain(
      'memebot_model_gateway_request_seconds_bucket{le="1",provider="vllm",model="qwen",task="chat"} 0',
    );
    expect(body).toContain('memebot_intake_to_enqueue_seconds_count{platform="discord"} 1');
    expect(body).toContain('memebot_update_to_reply_seconds_sum{platform="console"} 3');
  });

  it("reads queue job counts from the provider at each scrape", async () => {
    const metrics = createMetrics({ collectDefault: false });
    let waiting = 3;
    metrics.setJobCountsProvider(async (): Promise<QueueJobCounts[]> => [
      { queue: "memes", counts: { waiting, active: 1, failed: 0 } },
      { queue: "delivery", counts: { waiting: 7 } },
    ]);

    const first = (await metrics.render()).body;
    expect(first).toContain('memebot_queue_jobs{queue="memes",state="waiting"} 3');
    expect(first).toContain('memebot_queue_jobs{queue="memes",state="active"} 1');
    expect(first).toContain('memebot_queue_jobs{queue="memes",state="failed"} 0');
    expect(first).toContain('memebot_queue_jobs{queue="delivery",state="waiting"} 7');
    expect(first).toContain("memebot_queue_jobs_provider_up 1");

    waiting = 0;
    expect((await metrics.render()).body).toContain('memebot_queue_jobs{queue="memes",state="waiting"} 0');
  });

  it("still renders when the job counts provider fails, and says so", async () => {
    const metrics = createMetrics({ collectDefault: false });
    let fail = false;
    metrics.setJobCountsProvider(async () => {
      if (fail) throw new Error("redis down");
      return [{ queue: "memes", counts: { waiting: 5 } }];
    });
    expect((await metrics.render()).body).toContain('memebot_queue_jobs{queue="memes",state="waiting"} 5');

    fail = true;
    const { body } = await metrics.render();
    expect(body).toContain("memebot_queue_jobs_provider_up 0");
    // Stale counts are dropped rather than reported as current.
    expect(body).not.toContain('memebot_queue_jobs{queue="memes"');
  });

  it("treats a provider slower than its timeout as failed instead of stalling the scrape", async () => {
    const metrics = createMetrics({ collectDefault: false, jobCountsTimeoutMs: 50 });
    metrics.setJobCountsProvider(() => new Promise(() => {}));
    const startedAt = performance.now();
    const { body } = await metrics.render();
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    expect(body).toContain("memebot_queue_jobs_provider_up 0");
  });

  it("keeps each instance's series separate and applies a custom prefix", async () => {
    const first = createMetrics({ collectDefault: false, prefix: "a_" });
    const second = createMetrics({ collectDefault: false, prefix: "a_" });
    first.commandsTotal.inc({ platform: "discord", command: "price", outcome: "ok" });

    expect((await first.render()).body).toContain(
      'a_commands_total{platform="discord",command="price",outcome="ok"} 1',
    );
    expect((await second.render()).body).not.toContain('a_commands_total{platform="discord"');
  });

  it("includes Node process metrics by default", async () => {
    const { body } = await createMetrics().render();
    expect(body).toContain("process_cpu_user_seconds_total");
    expect(body).toContain("nodejs_heap_size_used_bytes");
  });
});
