import { ok } from "../result.ts";
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
    const name = actor.displayName ?? (actor.username ? `@${actor.username}` : "fren");
    return { kind: "reply", outcome: "start.greeted", message: { text: t("start.greeting", { name }) } };
  },
});
