// How every entry point (`pnpm start`, `start:bot`, `start:worker`) runs: parse
// the environment, open the shared infrastructure, start its components, serve
// /health and /metrics, and shut down in order on SIGTERM.
import { EnvError, parseEnv, type Env } from "@memebot/config";
import { createShutdown } from "@memebot/telemetry";
import { startWebServer, type HealthChecks, type WebRoutes } from "@memebot/web";
import { openInfrastructure, type Infrastructure } from "./infrastructure.ts";

export interface ProcessComponent {
  name: string;
  /**
   * Stops the component. The signal aborts near the end of the time the shutdown budget leaves it:
   * stop waiting for work to drain then and return, so the steps after it still run in time.
   */
  stop(signal?: AbortSignal): Promise<void>;
  /** Routes served on HTTP_PORT (a Fastify plugin each), e.g. the Telegram webhook. */
  routes?: WebRoutes[];
  health?: () => Promise<HealthChecks>;
  /** A component that can finish by itself (the piped console); the process exits with its code. */
  done?: Promise<number>;
}

export type StartComponents = (infrastructure: Infrastructure) => Promise<ProcessComponent[]>;

export interface RunProcessOptions {
  /** Whether this process serves the console chat on stdout with this environment. */
  servesConsole?: (env: Env) => boolean;
  source?: Record<string, string | undefined>;
}

export async function runProcess(
  name: string,
  start: StartComponents,
  options: RunProcessOptions = {},
): Promise<void> {
  let env: Env;
  try {
    env = parseEnv(options.source ?? process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`${name}: ${error.message}\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw error;
  }

  let infrastructure: Infrastructure;
  try {
    infrastructure = await openInfrastructure(env, {
      consoleOnStdout: options.servesConsole?.(env) ?? false,
    });
  } catch (error) {
    process.stderr.write(`${name}: cannot start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const { logger } = infrastructure;
  let exitCode = 0;
  const shutdown = createShutdown({
    logger,
    timeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    exit: (code) => process.exit(code || exitCode),
  });
  shutdown.add("infrastructure", (signal) => infrastructure.close(signal));
  shutdown.installSignalHandlers();
  process.on("unhandledRejection", (reason) => logger.error({ err: reason }, "unhandled rejection"));
  // A bug that escapes every handler: log it through the scrubbing logger (Node's default report
  // would print secrets embedded in the error) and stop in order, failing.
  process.on("uncaughtException", (error) => {
    logger.fatal({ err: error }, "uncaught exception");
    exitCode = 1;
    void shutdown.run("uncaught exception");
  });

  try {
    const metricsAccess = {
      metrics: infrastructure.metrics,
      ...(env.METRICS_TOKEN === undefined ? {} : { metricsToken: env.METRICS_TOKEN }),
    };
    // With METRICS_PORT, /metrics lives on a listener of its own (e.g. a private interface) and
    // HTTP_PORT, which may face the internet for the webhook, does not serve it at all.
    const metricsHttp =
      env.METRICS_PORT === undefined
        ? undefined
        : await startWebServer({
            port: env.METRICS_PORT,
            host: env.METRICS_HOST ?? env.HTTP_HOST,
            logger,
            ...metricsAccess,
            staticRoot: false,
          });
    if (metricsHttp) shutdown.add("metrics-http", (signal) => metricsHttp.close(signal));
    const components = await start(infrastructure);
    for (const component of components) shutdown.add(component.name, (signal) => component.stop(signal));
    const http = await startWebServer({
      port: env.HTTP_PORT,
      host: env.HTTP_HOST,
      logger,
      ...(metricsHttp ? {} : metricsAccess),
      routes: components.flatMap((component) => component.routes ?? []),
      async health() {
        const checks = await Promise.all([
          infrastructure.health(),
          ...components.map((component) => component.health?.() ?? Promise.resolve({})),
        ]);
        // Reasons may quote a client error with its URL: /health answers ok/fail only, and the
        // logger the reasons go to scrubs them.
        return Object.assign({}, ...checks) as HealthChecks;
      },
    });
    // Registered last so it stops first: no new webhook updates while the rest winds down.
    shutdown.add("http", (signal) => http.close(signal));
    logger.info(
      {
        process: name,
        port: http.port,
        ...(metricsHttp ? { metricsPort: metricsHttp.port } : {}),
        components: components.map((c) => c.name),
      },
      "started",
    );
    for (const component of components) {
      void component.done?.then(
        (code) => {
          exitCode = code;
          void shutdown.run(`${component.name} finished`);
        },
        // Without this the rejection would only be logged, and the process would run on without the component.
        (error: unknown) => {
          logger.error({ err: error, component: component.name }, "component failed");
          exitCode = 1;
          void shutdown.run(`${component.name} failed`);
        },
      );
    }
  } catch (error) {
    logger.error({ err: error }, "start-up failed");
    exitCode = 1;
    await shutdown.run("start-up failed");
  }
}
