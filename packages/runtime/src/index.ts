export { openInfrastructure, type Infrastructure } from "./infrastructure.ts";
export { runProcess, type ProcessComponent, type StartComponents } from "./run-process.ts";
