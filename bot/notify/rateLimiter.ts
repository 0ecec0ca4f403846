import type { SendBudget } from './sendBudget';

/**
 * Token buckets for Teams' limits: per conversation (7 messages/s) and per app and tenant (30/s), plus a global
 * pause after a 429 (the connector's Retry-After applies to everyone sending, so back off together).
 * With a shared budget (several instances), the per-app limit and the pause come from it instead of this process.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private pausedUntil = 0;

  constructor(private readonly perKey = 7, private readonly global = 30, private readonly now = () => Date.now(),
    private readonly sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    private readonly shared?: SendBudget) {}

  /** Waits until one more message may go to this conversation. */
  async acquire(key: string): Promise<void> {
    if (this.shared) {
      // The conversation's own limit is local (a conversation's messages are sent by the instance leasing its order);
      // the app's token is taken last, because it lapses if not spent at once.
      for (;;) {
        const wait = Math.max(this.pausedUntil - this.now(), this.take(key, this.perKey, false));
        if (wait <= 0) break;
        await this.sleep(Math.min(wait, 1000));
      }
      this.take(key, this.perKey, true);
      await this.shared.take();
      return;
    }
    for (;;) {
      const wait = Math.max(this.pausedUntil - this.now(), this.take('*', this.global, false), this.take(key, this.perKey, false));
      if (wait <= 0) { this.take('*', this.global, true); this.take(key, this.perKey, true); return; }
      await this.sleep(Math.min(wait, 1000));
    }
  }

  /** Everyone waits at least this long (from a 429's Retry-After). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    // Tell the other instances too; if storage fails, this instance still backs off.
    this.shared?.pause(ms).catch(() => undefined);
  }

  /** Milliseconds until a token is available (0 = now); consumes one when `consume`. */
  private take(key: string, ratePerSecond: number, consume: boolean): number {
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: ratePerSecond, at: now };
    b.tokens = Math.min(ratePerSecond, b.tokens + ((now - b.at) / 1000) * ratePerSecond);
    b.at = now;
    if (this.buckets.size > 10_000 && !this.buckets.has(key)) this.buckets.clear();
    this.buckets.set(key, b);
    if (b.tokens >= 1) { if (consume) b.tokens -= 1; return 0; }
    return Math.ceil(((1 - b.tokens) / ratePerSecond) * 1000);
  }
}
