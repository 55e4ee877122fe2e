export * from "./store.ts";
export * from "./access.ts";
export * from "./evaluate.ts";
export * from "./apply.ts";
export * from "./verify.ts";
export { gatingJobs, GATE_RECHECK_DELAY_MS, GATE_SWEEP_EVERY_MS, JOIN_REQUEST_WINDOW_MS } from "./jobs.ts";
export {
  describeGate,
  gateCommand,
  GATE_AUDIT_LINES,
  roleIdOf,
  shortAddress,
  type GateService,
} from "./gate-command.ts";
export { verifyCommand } from "./verify-command.ts";
export {
  answerJoinRequest,
  queueJoinRequest,
  recordMembership,
  type GateJoinDependencies,
  type JoinRequest,
} from "./join.ts";
export {
  GATE_PASS_PAGE_SIZE,
  GATE_PASS_STALL_MS,
  pageDelayMs,
  runGatePassPage,
  startGatePass,
  sweepGates,
  type GatePassDependencies,
  type GateSweepResult,
} from "./pass.ts";
