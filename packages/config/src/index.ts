export { envSchema, parseEnv, secretsOf, servesConsole, EnvError, type Env } from "./env.ts";
