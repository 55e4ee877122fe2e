/** A typed line such as `/meme@OurBot moon soon`, split into its parts. */
export interface CommandLine {
  name: string;
  /** The `@botname` the command was addressed to, if any. */
  mention?: string;
  argsText: string;
}

const COMMAND_LINE = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+([\s\S]*))?$/;

/** Parses a slash command; returns undefined for text that is not one. */
export function parseCommandLine(text: string): CommandLine | undefined {
  const match = COMMAND_LINE.exec(text.trim());
  if (!match) return undefined;
  const [, name = "", mention, argsText = ""] = match;
  return { name: name.toLowerCase(), ...(mention ? { mention } : {}), argsText: argsText.trim() };
}
