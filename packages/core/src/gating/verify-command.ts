// /verify: any member checks their linked wallets against the community's token gates. The chain is
// read by the worker (gate.verify), which answers and, on Discord, grants or removes the gates' roles.
import { commandRunOf } from "../commands/run.ts";
import { defineCommand } from "../commands/types.ts";
import { ok, userError } from "../result.ts";

export const verifyCommand = defineCommand<Record<string, never>>({
  name: "verify",
  description: "command.verify.description",
  args: [],
  parse: () => ok({}),
  permission: "anyone",
  toggleable: false,
  // Each check reads the chain: a member pressing it ten times should not cost ten reads.
  defaultCooldownSeconds: 30,
  answeredByJob: true,
  async run(context) {
    const { invocation, services } = context;
    if (!services.gates) return { kind: "error", error: userError("gate.error.unavailable") };
    if (invocation.community.kind !== "group")
      return { kind: "error", error: userError("verify.error.groupsOnly") };
    const job = await services.jobs.enqueue(
      "gate.verify",
      { run: commandRunOf(context, "") },
      { jobId: invocation.key },
    );
    return { kind: "queued", jobId: job.jobId };
  },
});
