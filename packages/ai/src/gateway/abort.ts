// An AbortController that also aborts when a parent signal does. AbortSignal.any would do, but
// on Node 20 each composite signal is tracked with weak references until collected, a measurable
// cost at one or two per model call; a listener removed in dispose() costs next to nothing.
// The link is itself the parent's listener (an EventListener object): no closures per call.

export class LinkedAbort {
  readonly signal: AbortSignal;
  private readonly controller: AbortController;
  private readonly parent: AbortSignal | undefined;

  constructor(parent: AbortSignal | undefined) {
    this.controller = new AbortController();
    this.signal = this.controller.signal;
    this.parent = parent;
    if (parent?.aborted) this.controller.abort(parent.reason);
    else parent?.addEventListener("abort", this, ONCE);
  }

  /** The parent aborted. */
  handleEvent(): void {
    this.controller.abort(this.parent?.reason);
  }

  abort(reason?: unknown): void {
    this.controller.abort(reason);
  }

  /** Unhooks from the parent; call when the work is over. */
  dispose(): void {
    this.parent?.removeEventListener("abort", this);
  }
}

const ONCE = { once: true } as const;

export function linkedAbort(parent: AbortSignal | undefined): LinkedAbort {
  return new LinkedAbort(parent);
}

/** For setTimeout(abortLink, ms, link): aborts without a closure per timer. */
export function abortLink(link: LinkedAbort): void {
  link.abort();
}
