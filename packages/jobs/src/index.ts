export {
  createJobProducer,
  DEFAULT_FAILED_JOBS_KEPT,
  type JobProducerOptions,
  type JobQueueProducer,
  type QueueCounts,
} from "./producer.ts";
export {
  createJobWorker,
  type FinalFailureHandler,
  type JobContext,
  type JobHandler,
  type JobHandlers,
  type JobWorker,
  type JobWorkerLogger,
  type JobWorkerMetrics,
  type JobWorkerOptions,
} from "./worker.ts";
export { jobIdFor, keyOfJobId } from "./job-id.ts";
export { registerJobSchedulers, type JobSchedulerOptions } from "./scheduler.ts";
export { JobTimeoutError, isPermanent } from "./errors.ts";
export { BACKOFF_TYPE, retryDelay } from "./backoff.ts";
