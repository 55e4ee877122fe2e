// A Telegram adapter on the bot's real core (see test/support/bot-core.ts: PostgreSQL,
// the intake gate and the job queues on Redis) talking to the fake Bot API, the only
// stand-in, for Telegram itself.
import {
  createTelegramAdapter,
  type TelegramAdapter,
  type TelegramAdapterOptions,
  type TelegramIntakeSample,
} from "../../../apps/bot/src/telegram/adapter.ts";
import { startFakeTelegram, type FakeTelegram } from "../../fakes/telegram/server.ts";
import { createBotCore, type BotCore, type BotCoreOptions, type StoredRun } from "../../support/bot-core.ts";
import { uniqueTelegramBot } from "../../support/unique-ids.ts";

export interface Harness {
  fake: FakeTelegram;
  adapter: TelegramAdapter;
  core: BotCore;
  /** What the adapter reported for each update it finished. */
  samples: TelegramIntakeSample[];
  /** The runs stored for this fake bot's updates, oldest first. */
  runs(): Promise<StoredRun[]>;
  close(): Promise<void>;
}

export type HarnessOptions = Partial<TelegramAdapterOptions> &
  BotCoreOptions & {
    /** A fake Bot API the test owns (and closes); otherwise the harness starts one with a bot of its own. */
    fake?: FakeTelegram;
  };

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const { fake: givenFake, databaseUrl, prefix, env, ...adapterOverrides } = options;
  const fake = givenFake ?? (await startFakeTelegram({ bot: uniqueTelegramBot(), pollHoldMs: 200 }));
  const core = await createBotCore({
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    ...(prefix === undefined ? {} : { prefix }),
    ...(env === undefined ? {} : { env }),
  });
  const samples: TelegramIntakeSample[] = [];
  const adapter = createTelegramAdapter({
    token: fake.token,
    apiRoot: fake.apiRoot,
    dispatch: core.dispatch,
    listen: core.listener.receive,
    registry: core.registry,
    logger: core.logger,
    onIntake: (sample) => samples.push(sample),
    // Retries in tests must not wait real seconds.
    send: { sleep: async () => undefined },
    ...adapterOverrides,
  });
  return {
    fake,
    adapter,
    core,
    samples,
    runs: () => core.runs({ key: { startsWith: `telegram:${fake.bot.id}:` } }),
    async close() {
      await adapter.stop("test finished");
      if (!givenFake) await fake.close();
      await core.close();
    },
  };
}
