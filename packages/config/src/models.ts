// The model gateway's configuration: which OpenAI-compatible providers serve which models,
// and which models each task uses. Read from the file MODELS_CONFIG names (YAML or JSON), or
// made from the LLM_BASE_URL/LLM_API_KEY/LLM_MODEL shorthand; validated once, at start-up.
// API keys are never written in the file: an entry names the environment variable that holds its key.

/** Every kind of model call the platform makes; each has its own models, limits and temperature. */
export const MODEL_TASKS = ["meme-text", "image-prompt", "sentiment", "chat"] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

/** One model as one provider serves it. */
export interface ProviderModel {
  /** The gateway's name for the model; tasks and admins choose by it. Several providers may serve one name. */
  name: string;
  /** What this provider calls it (sent as `model`); the name unless the entry says otherwise. */
  id: string;
}

export interface ProviderConfig {
  /** Unique, [a-z0-9_-]; used in logs, metrics and accounting. */
  name: string;
  /** OpenAI-compatible base URL, e.g. http://vllm:8000/v1. */
  baseURL: string;
  /** Read from the variable the entry's `apiKeyEnv` names; undefined when it names none. */
  apiKey: string | undefined;
  /** The variable the key came from, for messages (never the key itself). */
  apiKeyEnv: string | undefined;
  models: readonly ProviderModel[];
  /** Requests in flight at once, across every process (shared through Redis). */
  maxConcurrent: number;
  /** Requests started per minute across every process; undefined for no limit. */
  requestsPerMinute: number | undefined;
  /** One request's limit on this provider. */
  timeoutMs: number;
  /** Lower is preferred; among equal priorities the faster provider goes first. */
  priority: number;
  /** Whether the provider honours `response_format: {type: "json_schema"}`; otherwise the schema goes in the prompt. */
  jsonSchema: boolean;
}

export interface TaskConfig {
  /** Gateway model names in order of preference; every one is served by some provider. */
  models: readonly string[];
  /** max_tokens of one call. */
  maxTokens: number;
  temperature: number;
  /** The whole call's deadline, failover and repair round included. */
  deadlineMs: number;
}

export interface ModelsConfig {
  /** Where it came from: a file, the LLM_* shorthand, or nothing (every task answers offline). */
  source: { kind: "file"; path: string } | { kind: "env" } | { kind: "none" };
  providers: readonly ProviderConfig[];
  tasks: Readonly<Record<ModelTask, TaskConfig>>;
}
