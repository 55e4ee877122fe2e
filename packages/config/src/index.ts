export { envSchema, parseEnv, secretsOf, servesConsole, EnvError, type Env } from "./env.ts";
export {
  MODEL_TASKS,
  type ModelTask,
  type ModelsConfig,
  type ProviderConfig,
  type ProviderModel,
  type TaskConfig,
} from "./models.ts";
