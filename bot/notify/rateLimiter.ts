import type { SendBudget } from './sendBudget';

/** A 429 storm: this many throttles within `STORM_WINDOW_MS` mean the app as a whole is over the limit. */
const STORM_THROTTLES = 3;
const STORM_WINDOW_MS = 1000;
/** Conversations whose buckets are kept (the idle ones are forgotten first). */
const MAX_BUCKETS = 10_000;

/**
 * Token buckets for Teams' limits: per conversation (7 messages/s) and per app and tenant (30/s).
 * With a shared budget (several instances), the per-app limit comes from it instead of this process.
 *
 * A 429 pauses the conversation it came from for its Retry-After: most 429s are about one conversation (or are
 * the connector shedding load at random), and stopping the whole app for each of them would cost the fan-out
 * most of its rate. Several 429s within a second are taken as the app-wide limit and pause everyone (every
 * instance, through the shared budget).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly keyPausedUntil = new Map<string, number>();
  private pausedUntil = 0;
  private recentThrottles: number[] = [];

  constructor(private readonly perKey = 7, private readonly global = 30, private readonly now = () => Date.now(),
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = sleepUnlessAborted,
    private readonly shared?: SendBudget) {}

  /**
   * Waits until one more message may go to this conversation. The conversation's own token is taken first, in
   * turn: it is reserved at once, ahead of time if need be (the bucket goes below zero), so the callers for one
   * conversation are spaced at its rate in the order they came and none of them polls for it. `onWait` is told
   * when the caller has to wait for the conversation (its queue or a 429's hold), so it can give back what it
   * holds meanwhile. Then the app's token: callers queue for the app's tokens one at a time, and a `first`
   * caller (the channel's card posts) goes ahead of the others — otherwise the one channel lane would get 1/n of
   * the app's rate among n senders to people, and the cards would fall behind while orders arrive. The
   * channel's own 7/s bounds what it can take. An aborted `signal` ends any of these waits at once (it rejects
   * with the signal's reason): a long queue does not hold up a shutdown.
   */
  async acquire(key: string, first = false, o: { onWait?: () => void; signal?: AbortSignal } = {}): Promise<void> {
    o.signal?.throwIfAborted();
    const inTurn = this.take(key, this.perKey, 'reserve');
    if (inTurn > 0) { o.onWait?.(); await this.sleepFor(inTurn, o.signal); }
    for (let held = this.pausedFor(key); held > 0; held = this.pausedFor(key)) {
      o.onWait?.();
      await this.sleepFor(Math.min(held, 1000), o.signal);
    }
    await this.appToken(first, o.signal);
  }

  /** The sleep, ended early (rejecting with the signal's reason) when the signal aborts. */
  private sleepFor(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return signal ? abortable(this.sleep(ms, signal), signal) : this.sleep(ms);
  }

  private readonly appQueue: Array<{ first: boolean; go: () => void }> = [];
  private appTurn = false;

  /** One caller at a time takes the app's token (the shared budget's last: it lapses if not spent at once). */
  private async appToken(first: boolean, signal?: AbortSignal): Promise<void> {
    if (this.appTurn) {
      const waiter = { first, go: () => undefined as void };
      const turn = new Promise<void>((go) => { waiter.go = go; });
      const at = first ? this.appQueue.findIndex((w) => !w.first) : -1;
      this.appQueue.splice(at < 0 ? this.appQueue.length : at, 0, waiter);
      try {
        await (signal ? abortable(turn, signal) : turn);
      } catch (err) {
        // Aborted while queued: out of the queue, unless the turn came meanwhile (then it is passed on).
        const i = this.appQueue.indexOf(waiter);
        if (i >= 0) this.appQueue.splice(i, 1);
        else this.nextAppTurn();
        throw err;
      }
    } else {
      this.appTurn = true;
    }
    try {
      if (this.shared) { await this.shared.take(); return; }
      for (;;) {
        const wait = Math.max(this.pausedUntil - this.now(), this.take('*', this.global, 'peek'));
        if (wait <= 0) { this.take('*', this.global, 'take'); return; }
        await this.sleepFor(Math.min(wait, 1000), signal);
      }
    } finally {
      this.nextAppTurn();
    }
  }

  /** The app's token goes to the next caller queued for it. */
  private nextAppTurn(): void {
    const next = this.appQueue.shift();
    if (next) next.go();
    else this.appTurn = false;
  }

  /** The connector answered 429 for this conversation: it waits `ms`; a storm of them pauses the whole app. */
  throttled(key: string, ms: number): void {
    const now = this.now();
    this.keyPausedUntil.set(key, Math.max(this.keyPausedUntil.get(key) ?? 0, now + ms));
    if (this.keyPausedUntil.size > 10_000) this.forgetPausesBefore(now);
    this.recentThrottles = [...this.recentThrottles.filter((at) => at > now - STORM_WINDOW_MS), now];
    if (this.recentThrottles.length >= STORM_THROTTLES) {
      this.recentThrottles = [];
      this.pause(ms);
    }
  }

  /** Everyone waits at least this long (from a 429's Retry-After). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    // Tell the other instances too; if storage fails, this instance still backs off.
    this.shared?.pause(ms).catch(() => undefined);
  }

  private pausedFor(key: string): number {
    return Math.max(this.pausedUntil, this.keyPausedUntil.get(key) ?? 0) - this.now();
  }

  private forgetPausesBefore(now: number): void {
    for (const [key, until] of this.keyPausedUntil) if (until <= now) this.keyPausedUntil.delete(key);
  }

  /**
   * Milliseconds until a token is available (0 = now). 'take' consumes one that is there; 'reserve' consumes one
   * now or in the future (the bucket may go below zero) and returns when it is there.
   */
  private take(key: string, ratePerSecond: number, mode: 'peek' | 'take' | 'reserve'): number {
    const now = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= MAX_BUCKETS) this.forgetIdleBuckets(now);
      b = { tokens: ratePerSecond, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(ratePerSecond, b.tokens + ((now - b.at) / 1000) * ratePerSecond);
    b.at = now;
    if (mode === 'reserve') b.tokens -= 1;
    else if (b.tokens >= 1) { if (mode === 'take') b.tokens -= 1; return 0; }
    const missing = mode === 'reserve' ? -b.tokens : 1 - b.tokens;
    return missing > 0 ? Math.ceil((missing / ratePerSecond) * 1000) : 0;
  }

  /**
   * Keeps the bucket map bounded: buckets full again are the same as none; then those with nobody queued (a burst
   * above a conversation's limit is answered with a 429, which holds it). If every one has callers queued, they
   * all go.
   */
  private forgetIdleBuckets(now: number): void {
    const level = (b: { tokens: number; at: number }) => b.tokens + ((now - b.at) / 1000) * this.perKey;
    for (const least of [this.perKey, 0]) {
      for (const [key, b] of this.buckets) if (key !== '*' && level(b) >= least) this.buckets.delete(key);
      if (this.buckets.size < MAX_BUCKETS) return;
    }
    const app = this.buckets.get('*');
    this.buckets.clear();
    if (app) this.buckets.set('*', app);
  }
}

/** The promise, or a rejection with the signal's reason as soon as it aborts (whichever comes first). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then((v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e: unknown) => { signal.removeEventListener('abort', onAbort); reject(e); });
  });
}

/** Resolves after `ms`, or at once when the signal aborts (the timer cleared, no listener left behind). */
function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
