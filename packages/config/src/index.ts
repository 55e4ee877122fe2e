export { envSchema, parseEnv, secretsOf, servesConsole, EnvError, type Env } from "./env.ts";
export {
  MODEL_TASKS,
  modelNamesOf,
  defaultTaskConfigs,
  loadModelsConfig,
  type ModelTask,
  type ModelsConfig,
  type ModelsConfigResult,
  type ModelsConfigSettings,
  type ProviderConfig,
  type ProviderModel,
  type TaskConfig,
} from "./models.ts";
