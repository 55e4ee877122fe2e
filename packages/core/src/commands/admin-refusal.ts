// The check every admin-only action makes before it changes anything.
import { userError } from "../result.ts";
import type { CommandContext, CommandOutcome } from "./types.ts";

/**
 * Undefined when the caller administers this community; otherwise the refusal naming who may. Asked
 * of the platform afresh: a cached "admin" may be a minute old, and a demoted admin must change nothing.
 */
export async function adminRefusal({
  invocation,
  t,
}: Pick<CommandContext<unknown>, "invocation" | "t">): Promise<CommandOutcome | undefined> {
  if (await invocation.isAdmin({ fresh: true })) return undefined;
  return {
    kind: "error",
    error: userError("error.adminOnly", { permission: t(`permission.${invocation.platform}`) }),
  };
}
