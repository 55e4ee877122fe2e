import { ok } from "../result.ts";
import { usageOf } from "./args.ts";
import { defineCommand } from "./types.ts";

export const helpCommand = defineCommand({
  name: "help",
  description: "command.help.description",
  args: [],
  parse: () => ok({}),
  permission: "anyone",
  toggleable: false,
  defaultCooldownSeconds: 0,
  answeredByJob: false,
  async run({ invocation, settings, t, services }) {
    const admin = await invocation.isAdmin();
    const usable = services
      .commands()
      .filter((command) => services.settingsModel.commandOf(settings, command.name).enabled)
      .filter((command) => command.permission === "anyone" || admin);
    const lines = [
      t("help.header"),
      ...usable.map((command) =>
        t("help.line", { usage: usageOf(command.name, command.args), description: t(command.description) }),
      ),
    ];
    if (admin) lines.push("", t("help.adminNote"));
    return { kind: "reply", outcome: "help.listed", message: { text: lines.join("\n") } };
  },
});
