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
    private readonly sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    private readonly shared?: SendBudget) {}

  /**
   * Waits until one more message may go to this conversation. The conversation's own token is taken first, in
   * turn: it is reserved at once, ahead of time if need be (the bucket goes below zero), so the callers for one
   * conversation are spaced at its rate in the order they came and none of them polls for it. Then the app's
   * token: callers queue for the app's tokens one at a time, and a `first` caller (the channel's card posts) goes
   * ahead of the others — otherwise the one channel lane would get 1/n of the app's rate among n senders to
   * people, and the cards would fall behind while orders arrive. The channel's own 7/s bounds what it can take.
   */
  async acquire(key: string, first = false): Promise<void> {
    const inTurn = this.take(key, this.perKey, 'reserve');
    if (inTurn > 0) await this.sleep(inTurn);
    for (let held = this.pausedFor(key); held > 0; held = this.pausedFor(key)) await this.sleep(Math.min(held, 1000));
    await this.appToken(first);
  }

  private readonly appQueue: Array<{ first: boolean; go: () => void }> = [];
  private appTurn = false;

  /** One caller at a time takes the app's token (the shared budget's last: it lapses if not spent at once). */
  private async appToken(first: boolean): Promise<void> {
    if (this.appTurn) {
      await new Promise<void>((go) => {
        const at = first ? this.appQueue.findIndex((w) => !w.first) : -1;
        this.appQueue.splice(at < 0 ? this.appQueue.length : at, 0, { first, go });
      });
    } else {
      this.appTurn = true;
    }
    try {
      if (this.shared) { await this.shared.take(); return; }
      for (;;) {
        const wait = Math.max(this.pausedUntil - this.now(), this.take('*', this.global, 'peek'));
        if (wait <= 0) { this.take('*', this.global, 'take'); return; }
        await this.sleep(Math.min(wait, 1000));
      }
    } finally {
      const next = this.appQueue.shift();
      if (next) next.go();
      else this.appTurn = false;
    }
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
