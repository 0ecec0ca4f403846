/**
 * Token buckets for Teams' limits: per conversation (7 messages/s) and per app and tenant (30/s), plus a global
 * pause after a 429 (the connector's Retry-After applies to everyone sending, so back off together).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private pausedUntil = 0;

  constructor(private readonly perKey = 7, private readonly global = 30, private readonly now = () => Date.now(),
    private readonly sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))) {}

  /** Waits until one more message may go to this conversation. */
  async acquire(key: string): Promise<void> {
    for (;;) {
      const wait = Math.max(this.pausedUntil - this.now(), this.take('*', this.global, false), this.take(key, this.perKey, false));
      if (wait <= 0) { this.take('*', this.global, true); this.take(key, this.perKey, true); return; }
      await this.sleep(Math.min(wait, 1000));
    }
  }

  /** Everyone waits at least this long (from a 429's Retry-After). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
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
