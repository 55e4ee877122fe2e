// Turns what the user typed into named raw arguments and applies the generic
// checks every command shares, so each command's own parser stays small.
import { err, ok, userError, type Result, type UserError } from "../result.ts";
import { cleanText, hasControlCharacter } from "./text.ts";
import type { ArgSpec, CommandInvocation, RawArgs } from "./types.ts";

export function usageOf(name: string, specs: readonly ArgSpec[]): string {
  const parts = specs.map((spec) => (spec.required ? `<${spec.name}>` : `[${spec.name}]`));
  return [name, ...parts].join(" ");
}

function splitText(text: string, specs: readonly ArgSpec[]): Result<Record<string, string>, UserError> {
  const values: Record<string, string> = {};
  let remaining = text.trim();
  for (const spec of specs) {
    if (remaining === "") break;
    if (spec.rest) {
      values[spec.name] = remaining;
      remaining = "";
      break;
    }
    const match = /^(\S+)\s*/.exec(remaining);
    if (!match) break;
    values[spec.name] = match[1] ?? "";
    remaining = remaining.slice(match[0].length);
  }
  if (remaining !== "") return err(userError("error.tooManyArguments"));
  return ok(values);
}

export function readArgs(
  invocation: Pick<CommandInvocation, "args">,
  specs: readonly ArgSpec[],
): Result<RawArgs, UserError> {
  let values: Record<string, string>;
  if (invocation.args.kind === "text") {
    // Cleaned before splitting, so an invisible character cannot glue or split words.
    const split = splitText(cleanText(invocation.args.text), specs);
    if (!split.ok) return split;
    values = split.value;
  } else {
    values = {};
    for (const spec of specs) {
      const raw = invocation.args.values[spec.name];
      const value = typeof raw === "string" ? cleanText(raw) : "";
      if (value) values[spec.name] = value;
    }
  }
  for (const spec of specs) {
    const value = values[spec.name];
    if (value === undefined || value === "") {
      if (spec.required) return err(userError("error.missingArgument", { arg: spec.name }));
      continue;
    }
    // Counted in code points after a cheap bound: a megabyte of text is refused without spreading it.
    if (value.length > spec.maxLength * 2 || [...value].length > spec.maxLength) {
      return err(userError("error.tooLong", { arg: spec.name, max: spec.maxLength }));
    }
    if (hasControlCharacter(value)) return err(userError("error.invalidText", { arg: spec.name }));
  }
  return ok(values);
}
