import type { Translator } from "../messages/index.ts";
import { ok, userError } from "../result.ts";
import { quotable } from "../safe-text.ts";
import { defineCommand } from "./types.ts";

/** A setting's value as the reply's language says it: "activado" in Spanish. */
const display = (value: string | number | boolean, t: Translator) =>
  typeof value === "boolean" ? t(value ? "value.on" : "value.off") : String(value);

export const configCommand = defineCommand({
  name: "config",
  description: "command.config.description",
  args: [
    { name: "key", description: "arg.config.key", required: false, maxLength: 64 },
    { name: "value", description: "arg.config.value", required: false, rest: true, maxLength: 64 },
  ],
  parse: (raw) => ok({ key: raw.key?.toLowerCase(), value: raw.value }),
  // Anyone may read the settings; changing one is checked in `run`, against the platform's own roles.
  permission: "anyone",
  toggleable: false,
  defaultCooldownSeconds: 0,
  answeredByJob: false,
  async run({ invocation, args, settings, t, services }) {
    const model = services.settingsModel;
    if (args.key === undefined || args.value === undefined) {
      const shown = model.definitions.filter((definition) => !args.key || definition.key === args.key);
      if (args.key && shown.length === 0) {
        return {
          kind: "error",
          error: userError("error.unknownSetting", {
            key: quotable(args.key),
            keys: model.definitions.map((definition) => definition.key).join(", "),
          }),
        };
      }
      const lines = shown.map((definition) =>
        t("config.line", {
          key: definition.key,
          value: display(definition.read(settings), t),
          allowed: definition.allowed,
        }),
      );
      return {
        kind: "reply",
        outcome: "config.shown",
        message: { text: [t("config.header"), ...lines, "", t("config.footer")].join("\n") },
      };
    }
    // Asked afresh: a cached "admin" may be a minute old, and a demoted admin must not change settings.
    if (!(await invocation.isAdmin({ fresh: true }))) {
      return {
        kind: "error",
        error: userError("error.adminOnly", { permission: t(`permission.${invocation.platform}`) }),
      };
    }
    const changed = await services.settings.change(
      invocation.community,
      invocation.actor,
      args.key,
      args.value,
    );
    if (!changed.ok) return { kind: "error", error: changed.error };
    const { key, newValue } = changed.value;
    return {
      kind: "reply",
      outcome: changed.value.changed ? "config.updated" : "config.unchanged",
      message: {
        text: t(changed.value.changed ? "config.updated" : "config.unchanged", {
          key,
          value: display(newValue, t),
        }),
      },
    };
  },
});
