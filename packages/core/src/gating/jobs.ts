// Token gates' background jobs. The job catalog (../jobs/catalog.ts) takes them in as they are; the
// worker gives each its handler (apps/worker/src/gating.ts).
import { z } from "zod";
import { commandRunSchema, defineJob } from "../jobs/job-definition.ts";
import { replyWindowOf } from "../jobs/reply-window.ts";
import { communityRefSchema } from "../platform.ts";

/** How long after a check that could not read the chain (or reach the platform) it is tried again. */
export const GATE_RECHECK_DELAY_MS = 2 * 60_000;

export const gatingJobs = {
  /** /verify: the member's holdings against every gate, roles applied (Discord), answered once. */
  "gate.verify": defineJob({
    // With the other commands someone waits for.
    queue: "commands",
    payload: z.object({ run: commandRunSchema }),
    attempts: 3,
    backoffMs: 1_000,
    // A few RPC requests (each within the RPC's 10 s limit, with fallbacks) and a few Discord calls.
    timeoutMs: 60_000,
    replyWindow: (payload) => replyWindowOf(payload.run),
  }),
  /**
   * A member's check again, after one that could not read the chain or reach the platform: nothing
   * was removed then. Fails (and is retried with backoff) while the chain still cannot be read; each
   * failed check is audited, so the failures are counted.
   */
  "gate.recheck": defineJob({
    queue: "maintenance",
    payload: z.object({ community: communityRefSchema, memberId: z.string().min(1).max(32) }),
    attempts: 5,
    backoffMs: 60_000,
    timeoutMs: 60_000,
  }),
} as const;
