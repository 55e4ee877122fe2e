export * from "./store.ts";
export * from "./access.ts";
export * from "./evaluate.ts";
export * from "./apply.ts";
export * from "./verify.ts";
export { gatingJobs, GATE_RECHECK_DELAY_MS } from "./jobs.ts";
export {
  describeGate,
  gateCommand,
  GATE_AUDIT_LINES,
  roleIdOf,
  shortAddress,
  type GateService,
} from "./gate-command.ts";
export { verifyCommand } from "./verify-command.ts";
