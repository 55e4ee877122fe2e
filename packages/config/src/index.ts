export { envSchema, parseEnv, secretsOf, EnvError, type Env } from "./env.ts";
