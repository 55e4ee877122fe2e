// What every job-backed command hands its job: who asked what, where, and where the answer goes.
import type { CommandRun } from "../jobs/catalog.ts";
import type { CommandContext } from "./types.ts";

/** The part of a command's context that travels with its job to the worker. */
export function commandRunOf(context: CommandContext<unknown>, args: string): CommandRun {
  const { invocation } = context;
  return {
    key: invocation.key,
    command: invocation.name ?? "",
    args,
    community: invocation.community,
    actor: invocation.actor,
    target: invocation.target,
    language: context.language,
    receivedAt: invocation.receivedAt,
  };
}
