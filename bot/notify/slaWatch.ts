import type { Logger } from 'pino';
import type { Deps } from '../services/deps';
import { orderDue, type Order } from '../domain/order';
import { isOpen } from '../domain/lifecycle';
import { isOverdue } from '../domain/paths';
import { helsinkiDate, isWorkingDay } from '../domain/workdays';
import { mutateOrder } from '../store/mutateOrder';
import { buildDigest, expiringSection, overdueReviewsSection } from '../presenters/digest';
import { isStatus } from '../store/tables';
import { expiringSoon, EXPIRING_IN_DIGEST } from '../services/renewal';
import { openReviews } from '../services/reviewQueries';

export interface SlaWatchOptions {
  deps: Deps;
  log: Logger;
  /** Post the digest through this (the dispatcher's messenger); omitted = no digest. */
  postDigest?: (card: object) => Promise<void>;
  intervalMs?: number;
  /** Helsinki hour after which the day's digest goes out (working days only). */
  digestHour?: number;
}

/**
 * SLA watch: an order past its due date gets one reminder in its thread (and the requester a notice); on working
 * days a digest of open orders by age and path goes to the administrators' channel once (one instance wins a
 * day's marker row, so several bot instances send one digest).
 */
export class SlaWatch {
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly o: SlaWatchOptions) {}

  start(): void {
    const tick = () => { this.runOnce().catch((err: unknown) => this.o.log.warn({ err: (err as Error).message }, 'SLA watch round failed')); };
    this.timer = setInterval(tick, this.o.intervalMs ?? 15 * 60_000);
    this.timer.unref();
    setTimeout(tick, 5_000).unref();
  }

  stop(): void { if (this.timer) clearInterval(this.timer); }

  /** One round; returns how many reminders were queued and whether the digest was sent. */
  async runOnce(): Promise<{ reminders: number; digest: boolean }> {
    const { deps } = this.o;
    const now = deps.now();
    const today = helsinkiDate(now);
    const open = await deps.orders.listOpen();
    let reminders = 0;
    for (const order of open) {
      const due = orderDue(order);
      if (!isOverdue(due, today) || order.overdueRemindedFor === due || order.status === 'awaitingApproval') continue;
      const done = await mutateOrder(deps.orders, order.id, (o) => {
        if (!isOpen(o) || o.overdueRemindedFor === due) return undefined;
        return {
          order: { ...o, overdueRemindedFor: due },
          outbox: [
            { kind: 'threadReply', orderId: o.id, event: 'overdue', text: due },
            { kind: 'personal', orderId: o.id, recipientId: o.requesterId, event: 'overdue' },
          ],
          audit: [{ at: now.toISOString(), actorId: 'system', action: 'overdueReminder', from: o.status, to: o.status, detail: due }],
        };
      });
      if (done) reminders++;
    }
    if (reminders) deps.kick();
    const digest = await this.maybeDigest(now, today, open);
    return { reminders, digest };
  }

  private async maybeDigest(now: Date, today: string, open: Order[]): Promise<boolean> {
    if (!this.o.postDigest || !isWorkingDay(today)) return false;
    const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Helsinki', hour: '2-digit', hour12: false }).format(now));
    if (hour < (this.o.digestHour ?? 8)) return false;
    try {
      await this.o.deps.orders.claimDailyMarker(`digest-${today}`);
    } catch (err) {
      if (isStatus(err, 409)) return false;
      throw err;
    }
    const { deps } = this.o;
    const [reviews, expiring] = await Promise.all([
      overdueReviewsSection(deps, deps.config.adminLang, await openReviews(deps)),
      expiringSoon(deps, today, EXPIRING_IN_DIGEST),
    ]);
    await this.o.postDigest(buildDigest(deps, deps.config.adminLang, open, [...expiringSection(deps.config.adminLang, expiring), ...reviews]));
    return true;
  }
}
