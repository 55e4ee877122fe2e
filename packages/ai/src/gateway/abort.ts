// An AbortController that also aborts when a parent signal does. AbortSignal.any would do, but
// on Node 20 each composite signal is tracked with weak references until collected, a measurable
// cost at one or two per model call; a listener removed in dispose() costs next to nothing.

export interface LinkedAbort {
  signal: AbortSignal;
  abort(reason?: unknown): void;
  /** Unhooks from the parent; call when the work is over. */
  dispose(): void;
}

export function linkedAbort(parent: AbortSignal | undefined): LinkedAbort {
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener("abort", onParentAbort, { once: true });
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose: () => parent?.removeEventListener("abort", onParentAbort),
  };
}
