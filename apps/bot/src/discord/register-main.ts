// Entry point of `pnpm discord:register` (see register-cli.ts).
import { runRegisterCli } from "./register-cli.ts";

process.exitCode = await runRegisterCli();
