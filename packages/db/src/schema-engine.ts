// Prisma's schema engine (the part of `prisma migrate` that diffs schemas and
// applies migrations), run as WebAssembly because the native binary cannot be
// downloaded here. The package's entry point does `import * as wasm from
// "./schema_engine_bg.wasm"`, which Node 20 refuses without
// --experimental-wasm-modules, so we do that module's three lines ourselves:
// instantiate the .wasm with the JS glue as its import object, hand the instance
// to the glue, run its start function.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import * as glue from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";

export type { SchemaEngine };

/** One Prisma schema file, as the engine wants it: a name (used in its messages) and the text. */
export interface SchemaFile {
  path: string;
  content: string;
}

// The project compiles without the DOM library, where the WebAssembly types live; this is all we use.
type Helpers = Record<string, unknown>;
interface WebAssemblyApi {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, Helpers>,
  ): Promise<{ instance: { exports: Helpers } }>;
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

let loading: Promise<typeof glue.SchemaEngine> | undefined;

/** Compiles and starts the engine's WebAssembly once per process (the glue keeps it in a module variable). */
export function loadSchemaEngine(): Promise<typeof glue.SchemaEngine> {
  loading ??= instantiate().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function instantiate(): Promise<typeof glue.SchemaEngine> {
  const require = createRequire(import.meta.url);
  const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const bytes = await readFile(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
  // The .wasm imports every helper from the glue module under this specifier.
  const imports = { "./schema_engine_bg.js": withUnrefTimers(glue as unknown as Helpers) };
  const { instance } = await webAssembly.instantiate(bytes, imports);
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue.SchemaEngine;
}

/**
 * The engine arms a 10 s timeout around its database work and never clears it,
 * which would hold a finished `pnpm db:migrate` open for 10 s. Those timers only
 * guard work that is itself pending I/O, so they need not keep the process alive.
 */
function withUnrefTimers(helpers: Helpers): Helpers {
  const wrapped: Helpers = { ...helpers };
  for (const [name, helper] of Object.entries(helpers)) {
    if (!name.startsWith("__wbg_setTimeout_") || typeof helper !== "function") continue;
    wrapped[name] = (...args: unknown[]) => {
      const timer: unknown = (helper as (...args: unknown[]) => unknown)(...args);
      if (
        typeof timer === "object" &&
        timer !== null &&
        "unref" in timer &&
        typeof timer.unref === "function"
      ) {
        timer.unref();
      }
      return timer;
    };
  }
  return wrapped;
}

export interface CreateSchemaEngineOptions {
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** The datamodel the engine starts with; only `diff` against live databases reads it. */
  schema?: SchemaFile;
  /** Receives one readable line per engine log event. */
  log?: (line: string) => void;
}

/** Starts a schema engine talking to the database behind `adapterFactory`. Call `free()` when done. */
export async function createSchemaEngine(options: CreateSchemaEngineOptions): Promise<SchemaEngine> {
  const SchemaEngineClass = await loadSchemaEngine();
  const datamodels: [string, string][] | undefined = options.schema
    ? [[options.schema.path, options.schema.content]]
    : undefined;
  const log = options.log;
  return SchemaEngineClass.new(
    { datamodels },
    (line: string) => log?.(readableLogLine(line)),
    bindMigrationAwareSqlAdapterFactory(options.adapterFactory),
  );
}

/** The engine logs JSON (`{"level","fields":{"message",...}}`); keep the level and message. */
function readableLogLine(line: string): string {
  try {
    const entry = JSON.parse(line) as { level?: string; fields?: { message?: string } };
    if (entry.fields?.message) return `${entry.level ?? "INFO"} ${entry.fields.message}`;
  } catch {
    // Not JSON: pass it on as it is.
  }
  return line.trim();
}
