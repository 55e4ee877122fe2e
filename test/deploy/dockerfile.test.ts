// The Dockerfile, checked without a Docker engine: its stages are read as Docker reads them, and
// the image's HEALTHCHECK command is run for real against a local /health.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

interface Instruction {
  keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  text: string;
}

interface Stage {
  /** The image or earlier stage this one starts from. */
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

const root = fileURLToPath(new URL("../..", import.meta.url));
const read = (path: string) => readFileSync(join(root, path), "utf8");

/** Instructions by stage, with comments dropped and `\` continuations joined, as Docker reads them. */
function parseDockerfile(text: string): Stage[] {
  const logicalLines: string[] = [];
  let pending = "";
  for (const line of text.split("\n")) {
    if (/^\s*#/.test(line)) continue;
    const continued = /\\\s*$/.test(line);
    pending += continued ? line.replace(/\\\s*$/, " ") : line;
    if (!continued) {
      if (pending.trim() !== "") logicalLines.push(pending.trim());
      pending = "";
    }
  }
  const stages: Stage[] = [];
  for (const line of logicalLines) {
    const [, keyword = "", rest = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), text: rest };
    if (instruction.keyword === "FROM") {
      const [from = "", as, name] = rest.replace(/--platform=\S+\s+/, "").split(/\s+/);
      stages.push({ from, name: as?.toUpperCase() === "AS" ? name : undefined, instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`${keyword} before the first FROM`);
      stage.instructions.push(instruction);
    }
  }
  return stages;
}

const stages = parseDockerfile(read("Dockerfile"));
const stageNamed = (name: string) => stages.find((stage) => stage.name === name);
const finalStage = (): Stage => {
  const stage = stages.at(-1);
  if (!stage) throw new Error("the Dockerfile has no FROM");
  return stage;
};

/** A stage and the stages it builds on (`FROM base`), its own instructions last. */
function lineage(stage: Stage): Stage[] {
  const parent = stageNamed(stage.from);
  return parent ? [...lineage(parent), stage] : [stage];
}
const instructionsOf = (stage: Stage) => lineage(stage).flatMap((each) => each.instructions);

/** `COPY --from=<stage> <sources…> <destination>` in a stage: which stage, which paths. */
function copiesFromStages(stage: Stage): { from: Stage; sources: string[] }[] {
  return instructionsOf(stage)
    .filter((instruction) => instruction.keyword === "COPY")
    .flatMap((instruction) => {
      const from = /--from=(\S+)/.exec(instruction.text)?.[1];
      const source = from ? stageNamed(from) : undefined;
      if (!source) return [];
      const paths = instruction.text.split(/\s+/).filter((word) => !word.startsWith("--"));
      return [{ from: source, sources: paths.slice(0, -1) }];
    });
}

/** The stages whose node_modules end up in the final image. */
function stagesProvidingDependencies(): Stage[] {
  const image = finalStage();
  const copied = copiesFromStages(image)
    .filter(({ sources }) => sources.some((path) => /^\/app\/?$|node_modules/.test(path)))
    .flatMap(({ from }) => lineage(from));
  return [...lineage(image), ...copied];
}

const runCommands = (stage: Stage) =>
  stage.instructions.filter((instruction) => instruction.keyword === "RUN").map((run) => run.text);

describe("Dockerfile", () => {
  it("GIVEN every base image THEN it names an exact version", () => {
    const bases = stages.filter((stage) => !stageNamed(stage.from)).map((stage) => stage.from);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) {
      if (base.includes("@sha256:")) continue;
      const tag = base.slice(base.lastIndexOf("/") + 1).split(":")[1] ?? "latest";
      // major.minor.patch: `node:20-bookworm-slim` moves to every Node.js release.
      expect(tag, base).toMatch(/^v?\d+\.\d+\.\d+([-.][\w.-]+)?$/);
    }
  });

  it("GIVEN the final image THEN it runs as a user other than root", () => {
    const users = instructionsOf(finalStage()).filter((instruction) => instruction.keyword === "USER");
    const user = users.at(-1)?.text.split(":")[0];
    expect(user, "no USER: the image would run as root").toBeDefined();
    expect(["root", "0"]).not.toContain(user);
  });

  it("GIVEN the final image's dependencies THEN they are installed without devDependencies", () => {
    const installs = stagesProvidingDependencies()
      .flatMap(runCommands)
      .flatMap((run) => run.split(/&&|;/))
      .filter((command) => /\b(pnpm|npm)\s+(install|i|ci|add)\b/.test(command))
      // A global tool (pnpm itself) is not a project dependency.
      .filter((command) => !/\s(-g|--global)\b/.test(command));
    expect(installs.length, "the final image installs no dependencies").toBeGreaterThan(0);
    for (const install of installs) {
      expect(install).toMatch(/\s(--prod|--production|-P)\b|--omit[= ]dev/);
    }
  });

  it("GIVEN the final image THEN it carries the generated Prisma client, which .dockerignore keeps out", () => {
    const copies = copiesFromStages(finalStage()).flatMap(({ sources }) => sources);
    expect(copies.some((path) => path.includes("packages/db/src/generated"))).toBe(true);
    const ignored = read(".dockerignore")
      .split("\n")
      .map((line) => line.trim());
    // The context never holds secrets, nor host-built modules and client that may not fit the image.
    for (const entry of [".env", "**/node_modules", "packages/db/src/generated", ".git"]) {
      expect(ignored).toContain(entry);
    }
  });

  it("GIVEN the package.json scripts the image runs THEN tsx and what they import are production dependencies", () => {
    const manifest = JSON.parse(read("package.json")) as {
      scripts: Record<string, string>;
      dependencies?: Record<string, string>;
    };
    const cmd = instructionsOf(finalStage()).findLast((instruction) => instruction.keyword === "CMD");
    // The image's default, plus what compose runs and the migration operators run by hand.
    const scripts = new Set(["start", "start:bot", "start:worker", "db:migrate"]);
    const defaultScript = (JSON.parse(cmd?.text ?? "[]") as string[]).at(-1);
    if (defaultScript) scripts.add(defaultScript);
    for (const script of scripts) {
      const line = manifest.scripts[script];
      expect(line, `package.json has no script ${script}`).toBeDefined();
      for (const [, loader] of (line ?? "").matchAll(/--import\s+(\S+)/g)) {
        expect(Object.keys(manifest.dependencies ?? {}), `${script}: --import ${loader}`).toContain(loader);
      }
      for (const [entry = ""] of (line ?? "").matchAll(/\S+\.ts\b/g)) {
        const owner = nearestManifest(entry);
        for (const specifier of bareImportsOf(read(entry))) {
          expect(Object.keys(owner.dependencies), `${entry} imports ${specifier}`).toContain(specifier);
        }
      }
    }
  });

  describe("its HEALTHCHECK", () => {
    let server: Server | undefined;
    afterEach(async () => {
      await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
      server = undefined;
    });

    const healthcheckCommand = (): string[] => {
      const healthcheck = instructionsOf(finalStage()).findLast(
        (instruction) => instruction.keyword === "HEALTHCHECK",
      );
      expect(healthcheck, "no HEALTHCHECK in the final image").toBeDefined();
      const exec = /(?:^|\s)CMD\s+(\[.*\])\s*$/.exec(healthcheck?.text ?? "");
      expect(exec, "HEALTHCHECK CMD in exec form (the slim image may lack a shell's tools)").not.toBeNull();
      return JSON.parse(exec?.[1] ?? "[]") as string[];
    };

    /** Runs the check as Docker would inside the container (`node` is this Node.js); its exit code. */
    async function runHealthcheck(port: number): Promise<number> {
      const [program, ...args] = healthcheckCommand();
      expect(program).toBe("node");
      try {
        await promisify(execFile)(process.execPath, args, {
          env: { HTTP_PORT: String(port) },
          timeout: 10_000,
        });
        return 0;
      } catch (error) {
        return (error as { code?: number }).code ?? -1;
      }
    }

    async function serveHealth(status: number): Promise<number> {
      server = createServer((request, response) => {
        response.writeHead(request.url === "/health" ? status : 404).end();
      });
      await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
      return (server?.address() as AddressInfo).port;
    }

    it("GIVEN /health answers 200 THEN the container is healthy", async () => {
      expect(await runHealthcheck(await serveHealth(200))).toBe(0);
    });

    it("GIVEN /health answers 503 THEN the container is unhealthy", async () => {
      expect(await runHealthcheck(await serveHealth(503))).toBe(1);
    });

    it("GIVEN nothing listens on HTTP_PORT THEN the container is unhealthy", async () => {
      const port = await serveHealth(200);
      await new Promise((resolve) => server?.close(resolve));
      server = undefined;
      expect(await runHealthcheck(port)).toBe(1);
    });
  });
});

/** The package.json that decides how `file` resolves bare imports (the closest one above it). */
function nearestManifest(file: string): { dependencies: Record<string, string> } {
  for (
    let directory = dirname(join(root, file));
    !relative(root, directory).startsWith("..");
    directory = dirname(directory)
  ) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as {
        dependencies?: Record<string, string>;
      };
      return { dependencies: manifest.dependencies ?? {} };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  throw new Error(`no package.json above ${file}`);
}

/** Package names a module imports at run time (type-only imports and node: builtins left out). */
function bareImportsOf(source: string): string[] {
  const specifiers = [...source.matchAll(/^import\s+(?!type\s)[^;]*?from\s+"([^"]+)"/gm)].map(
    ([, specifier = ""]) => specifier,
  );
  return specifiers
    .filter((specifier) => !specifier.startsWith(".") && !specifier.startsWith("node:"))
    .map((specifier) =>
      specifier
        .split("/")
        .slice(0, specifier.startsWith("@") ? 2 : 1)
        .join("/"),
    );
}
