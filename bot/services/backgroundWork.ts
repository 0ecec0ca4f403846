/**
 * Work a turn starts but does not wait for (a Graph call that may be slow while Teams wants its invoke answered
 * within seconds). Kept in one set so shutdown and tests can wait for it instead of it running loose.
 */
export class BackgroundWork {
  private readonly pending = new Set<Promise<unknown>>();

  /** Tracks the work until it settles; the work must handle its own errors (a rejection here is a bug). */
  track(work: Promise<unknown>): void {
    const tracked = work.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Resolves when everything tracked so far has settled. */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  get size(): number { return this.pending.size; }
}

/** Runs the work tracked when the composition root gave a tracker, else simply lets it run. */
export function runInBackground(deps: { background?: BackgroundWork }, work: Promise<unknown>): void {
  if (deps.background) deps.background.track(work);
  else void work;
}
