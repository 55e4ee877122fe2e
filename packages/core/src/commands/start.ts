import { ok } from "../result.ts";
import { quotable } from "../safe-text.ts";
import { defineCommand } from "./types.ts";

export const startCommand = defineCommand({
  name: "start",
  description: "command.start.description",
  args: [],
  parse: () => ok({}),
  permission: "anyone",
  toggleable: false,
  defaultCooldownSeconds: 0,
  answeredByJob: false,
  async run({ invocation, t }) {
    const actor = invocation.actor;
    // A display name is anyone's to choose ("claim at scam.io"), and "@name" would be a mention.
    const chosen = actor.displayName ?? actor.username;
    const name = chosen ? quotable(chosen, "fren") : "fren";
    return { kind: "reply", outcome: "start.greeted", message: { text: t("start.greeting", { name }) } };
  },
});
