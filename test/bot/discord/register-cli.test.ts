import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runRegisterCli } from "../../../apps/bot/src/discord/register-cli.ts";
import { startFakeDiscord, type FakeDiscord } from "../../fakes/discord/server.ts";
import { COMMAND_NAMES } from "../../support/commands.ts";

const guildId = "1200000000000000001";
const root = fileURLToPath(new URL("../../../", import.meta.url));

function runMain(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "apps/bot/src/discord/register-main.ts"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("discord:register", () => {
  let fake: FakeDiscord;
  let out: string[];
  let errors: string[];
  const io = () => ({ out: (line: string) => out.push(line), errorOut: (line: string) => errors.push(line) });

  beforeEach(async () => {
    fake = await startFakeDiscord({ token: "fake-bot-token" });
    out = [];
    errors = [];
  });

  afterEach(async () => {
    await fake.close();
  });

  it("asks Discord for the application id when none is given and registers globally", async () => {
    const code = await runRegisterCli({
      env: { DISCORD_TOKEN: "fake-bot-token", DISCORD_API_BASE: fake.apiBase },
      ...io(),
    });

    expect(code).toBe(0);
    expect(fake.calls.some((call) => call.method === "GET" && call.path === "/applications/@me")).toBe(true);
    expect(fake.registeredCommands().map((command) => command.name)).toEqual([...COMMAND_NAMES]);
    expect(out[0]).toBe(
      `Registered ${COMMAND_NAMES.length} slash commands for application ${fake.applicationId} globally:`,
    );
    expect(out).toContain("  /meme (topic) — Make a meme picture about a topic");
    expect(errors).toEqual([]);
  });

  it("registers to one server with a given application id", async () => {
    const code = await runRegisterCli({
      env: {
        DISCORD_TOKEN: "fake-bot-token",
        DISCORD_API_BASE: fake.apiBase,
        DISCORD_APPLICATION_ID: fake.applicationId,
        DISCORD_GUILD_ID: guildId,
      },
      ...io(),
    });

    expect(code).toBe(0);
    expect(fake.calls.some((call) => call.path === "/applications/@me")).toBe(false);
    expect(fake.registeredCommands(guildId)).toHaveLength(COMMAND_NAMES.length);
    expect(out[0]).toContain(`server ${guildId}`);
  });

  it("fails with Discord's reason when the token is refused", async () => {
    const code = await runRegisterCli({
      env: { DISCORD_TOKEN: "wrong-token", DISCORD_API_BASE: fake.apiBase },
      ...io(),
    });

    expect(code).toBe(1);
    expect(errors[0]).toMatch(/^Slash command registration failed: .*Unauthorized/);
    expect(errors.join("\n")).not.toContain("wrong-token");
  });

  it("exits non-zero and says what is missing when DISCORD_TOKEN is unset", async () => {
    const result = await runMain({ DISCORD_API_BASE: fake.apiBase });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("DISCORD_TOKEN is not set");
    expect(fake.calls).toHaveLength(0);
  });

  it("runs as a process, prints the commands and exits zero", async () => {
    const result = await runMain({
      DISCORD_TOKEN: "fake-bot-token",
      DISCORD_API_BASE: fake.apiBase,
      DISCORD_GUILD_ID: guildId,
    });

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("/config (key, value) — Show or change this community's bot settings");
    expect(fake.registeredCommands(guildId)).toHaveLength(COMMAND_NAMES.length);
  });
});
