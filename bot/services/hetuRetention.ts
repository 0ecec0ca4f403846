import type { Logger } from 'pino';
import type { OrderStore } from '../store/orderStore';
import { mutateOrder } from '../store/mutateOrder';
import { isOpenStatus } from '../domain/lifecycle';

export interface HetuRetentionOptions {
  orders: OrderStore;
  retentionDays: number;
  now: () => Date;
  log: Logger;
  intervalMs?: number;
}

/**
 * The retention job: any henkilötunnus still stored on an order older than the configured age is destroyed
 * (normally it is gone long before, at grant or close). A daily background scan, not a hot path.
 */
export class HetuRetention {
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly o: HetuRetentionOptions) {}

  start(): void {
    // The message text is what the 'retention-failed' alert in infra/azure/main.json searches for: keep them equal.
    const tick = () => { this.runOnce().catch((err: unknown) => this.o.log.error({ err: (err as Error).message, job: 'hetuRetention' }, 'retention job failed')); };
    this.timer = setInterval(tick, this.o.intervalMs ?? 6 * 3600_000);
    this.timer.unref();
    setTimeout(tick, 10_000).unref();
  }

  stop(): void { if (this.timer) clearInterval(this.timer); }

  /** Destroys every henkilötunnus past the age (or on a closed order); returns how many were destroyed. */
  async runOnce(): Promise<number> {
    const cutoff = new Date(this.o.now().getTime() - this.o.retentionDays * 86_400_000).toISOString();
    const candidates = (await this.o.orders.hetuHolders())
      .filter((h) => h.createdAt < cutoff || !isOpenStatus(h.status)).map((h) => h.orderId);
    let purged = 0;
    for (const id of candidates) {
      const at = this.o.now().toISOString();
      const done = await mutateOrder(this.o.orders, id, (order) => (order.hetuCipher === null ? undefined : {
        order: { ...order, hetuCipher: null },
        audit: [{ at, actorId: 'system', action: 'hetuPurged', from: order.status, to: order.status, reason: `retention ${this.o.retentionDays} d` }],
      }));
      if (done) purged++;
    }
    if (purged) this.o.log.info({ purged }, 'henkilötunnus retention purged stored codes');
    return purged;
  }
}
