import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { OrderStore } from '../store/orderStore';
import type { Order } from '../domain/order';
import type { OutboxRecord, OutboxSubject } from '../domain/outbox';
import { isNoticePartition, isTaskId } from '../domain/registerTask';
import { mutateOrder } from '../store/mutateOrder';
import { mutateTask, type TaskStore } from '../store/taskStore';
import { OutboxStore, type PendingPartition } from '../store/outboxStore';
import { DeliveryError, toDeliveryError, type Messenger } from './messenger';
import type { OutgoingMessage, Renderer } from '../presenters/notifications';
import { RateLimiter } from './rateLimiter';


export interface DispatcherOptions {
  store: OutboxStore;
  orders: OrderStore;
  /** Register tasks (`task-…` partitions); without it their messages are dead-lettered as "not found". */
  tasks?: TaskStore;
  messenger: Messenger;
  render: Renderer;
  /** The administrators' channel id (new order cards are posted there). */
  adminChannelId: () => string | undefined;
  /** Writes the register entry of a granted order line (an idempotent upsert). */
  registerGrant?: (order: Order, line: number) => Promise<void>;
  /** Personal conversation references stored at install and first message. */
  personalReference: (userId: string) => Promise<Parameters<Messenger['sendPersonal']>[0]>;
  log: Logger;
  limiter?: RateLimiter;
  pollMs?: number;
  /**
   * Orders (outbox partitions) drained at the same time (default 1). More lets the rate limiter, not the storage
   * round trips of one message after another, set the send rate; production passes 8.
   */
  concurrency?: number;
  leaseMs?: number;
  maxAttempts?: number;
  now?: () => number;
}

/**
 * Delivers outbox messages at least once. Safe with several bot instances (a partition is leased by ETag),
 * survives restarts (state is in the table), honours 429 Retry-After, treats 403 as final.
 *
 * Work is found two ways: a kick() after a commit in this process starts a pass at once (even while another
 * pass is still draining a long fan-out), and a poll every `pollMs` is the safety net for commits made by other
 * instances and for retries. Several orders can be drained at once (`concurrency`; each order by one worker,
 * so its messages keep their order), so a slow send or a storage round trip does not hold the whole app's
 * sending to one message at a time.
 */
export class OutboxDispatcher {
  readonly instanceId = randomUUID();
  private readonly limiter: RateLimiter;
  private readonly slots: Slots;
  private readonly concurrency: number;
  /** Orders queued or being drained by this instance (a later pass skips them: an earlier one of ours has them). */
  private readonly active = new Set<string>();
  private readonly passes = new Set<Promise<void>>();
  /** A listing of the pending partitions is in flight; a kick meanwhile asks for one more (`wanted`). */
  private listing = false;
  private wanted = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = 0;
  /** Channel posts go one at a time (see postCard: the posts in flight bound the duplicates after a crash). */
  private posting: Promise<unknown> = Promise.resolve();
  private stopped = true;

  constructor(private readonly o: DispatcherOptions) {
    this.limiter = o.limiter ?? new RateLimiter();
    this.concurrency = o.concurrency ?? 1;
    this.slots = new Slots(this.concurrency);
  }

  /** Set once start() ran: a dispatcher used only through runOnce() (tests, tools) is never "stopping". */
  private started = false;

  start(): void {
    this.started = true;
    this.stopped = false;
    this.kick();
  }

  /** Stops polling and waits for the passes under way to finish (graceful shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.wakeTimer);
    this.pollTimer = undefined;
    this.wakeTimer = undefined;
    while (this.passes.size > 0) await Promise.all([...this.passes]);
  }

  /**
   * Starts a pass now (after a commit). A kick during a listing is not lost: the listing may predate the
   * commit, so one more listing follows it. Orders already being drained are not taken twice.
   */
  kick(): void {
    if (this.stopped) return;
    this.wanted = true;
    this.pump();
  }

  /** One full pass over the pending partitions; resolves when done. Exposed for tests and tools. */
  async runOnce(): Promise<number> {
    let partitions: PendingPartition[];
    this.listing = true;
    try {
      partitions = await this.o.store.pendingPartitions();
    } finally {
      this.listing = false;
    }
    this.pump();
    const mine = partitions.filter((p) => !this.active.has(p.orderId));
    for (const p of mine) this.active.add(p.orderId);
    // Every started drain is waited for, even when one fails (stop() must not leave any behind).
    const outcomes = await Promise.allSettled(mine.map((p) => this.slots.run(async () => {
      try {
        if (this.stopped && this.started) return 0; // shutting down: leases expire and another instance goes on
        const lease = await this.o.store.tryLease(p, this.instanceId, this.o.leaseMs ?? 60_000, this.now());
        return lease ? await this.drain(lease) : 0;
      } finally {
        this.active.delete(p.orderId);
        this.pump();
      }
    })));
    const failure = outcomes.find((o) => o.status === 'rejected');
    if (failure) throw failure.reason;
    return outcomes.reduce((sum, o) => sum + (o.status === 'fulfilled' ? o.value : 0), 0);
  }

  /**
   * Starts a pass if one is wanted and no listing is in flight. While every slot has an order (a backlog), a
   * listing would only queue more behind them: it waits until a slot frees, so a stream of commits does not
   * re-read a long pending list for each of them.
   */
  private pump(): void {
    if (this.stopped || this.listing || !this.wanted || this.active.size >= this.concurrency) return;
    this.wanted = false;
    if (!this.pollTimer) this.poll(this.o.pollMs ?? 2000);
    const pass: Promise<void> = this.runOnce()
      .then(() => undefined, (err: unknown) => { this.o.log.warn({ err: errorSummary(err) }, 'outbox round failed'); })
      .finally(() => { this.passes.delete(pass); });
    this.passes.add(pass);
  }

  /** The safety net: a pass every `pollMs` whatever else happens (commits by other instances, expired leases). */
  private poll(ms: number): void {
    this.pollTimer = setTimeout(() => {
      if (this.stopped) return;
      this.poll(ms);
      this.kick();
    }, ms);
    this.pollTimer.unref?.();
  }

  /** A message of ours waits until `at` (Retry-After, backoff): wake then rather than at the next poll. */
  private wakeUpAt(at: number): void {
    if (!this.started || this.stopped || at <= 0) return;
    if (this.wakeTimer && this.wakeAt <= at) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => { this.wakeTimer = undefined; this.kick(); }, Math.max(0, at - this.now()));
    this.wakeTimer.unref?.();
  }

  private async drain(lease: PendingPartition): Promise<number> {
    let delivered = 0;
    const records = await this.o.store.pendingMessages(lease.orderId);
    let remaining = records.length;
    let nextAttempt = 0;
    // Messages to one destination keep their order: once one waits, later ones to the same place wait too.
    // Other destinations go on (an unreachable manager must not hold up the channel card).
    const waiting = new Set<string>();
    const later = (at: number) => { nextAttempt = nextAttempt === 0 ? at : Math.min(nextAttempt, at); };
    // The subject (order or task) is read once per pass (all its messages render from the same state), and
    // again only after this pass changed it (where the card was posted, who is unreachable).
    let subject = records.length ? await this.load(lease.orderId) : undefined;
    const lastCardUpdate = records.map(isCardUpdate).lastIndexOf(true);
    let interrupted = false;
    try {
      for (const [i, record] of records.entries()) {
        if (this.stopped && this.started) { interrupted = true; break; }
        const destination = destinationOf(record);
        if (waiting.has(destination)) continue;
        const due = Date.parse(record.notBefore);
        if (due > this.now()) { waiting.add(destination); later(due); continue; }
        if (!subject) { await this.o.store.failed(record, 'order not found'); remaining--; continue; }
        if (isCardUpdate(record) && cardOf(subject) && i < lastCardUpdate) {
          // The card always shows the order as it is now: one update for several queued changes is enough.
          await this.o.store.delivered(record);
          remaining--;
          continue;
        }
        try {
          subject = await this.deliver(record, subject);
          await this.o.store.delivered(record);
          delivered++;
          remaining--;
        } catch (err) {
          const outcome = await this.onFailure(record, subject, toDeliveryError(err));
          if (outcome === 'final') {
            subject = await this.load(lease.orderId);
            remaining--;
            continue;
          }
          waiting.add(destination);
          later(outcome);
        }
      }
    } catch (err) {
      // A storage or render failure mid-pass: hand the lease back anyway (best effort), so the partition is not
      // blocked for the whole lease time; the messages stay pending.
      await this.o.store.release(lease, Math.max(remaining, 1), 0).catch(() => undefined);
      throw err;
    }
    // Shutting down mid-pass: the messages not looked at are due now, so the next start takes them at once.
    await this.o.store.release(lease, remaining, interrupted ? 0 : nextAttempt);
    if (remaining > 0 && !interrupted) this.wakeUpAt(nextAttempt);
    return delivered;
  }

  /** The order, task or notice partition an outbox partition belongs to; undefined when it is gone. */
  private async load(partition: string): Promise<OutboxSubject | undefined> {
    if (isNoticePartition(partition)) return { kind: 'notices', id: partition };
    if (isTaskId(partition)) {
      const stored = await this.o.tasks?.get(partition);
      return stored && { kind: 'task', id: partition, task: stored.task };
    }
    const stored = await this.o.orders.get(partition);
    return stored && { kind: 'order', id: partition, order: stored.order };
  }

  /** Delivers one message; returns the subject as it is afterwards (posting the card records where it sits). */
  private async deliver(record: OutboxRecord, subject: OutboxSubject): Promise<OutboxSubject> {
    const d = await this.o.render(record, subject);
    if (d.to === 'nobody') return subject;
    if (d.to === 'register') {
      if (subject.kind === 'order') await this.o.registerGrant?.(subject.order, d.line);
      return subject;
    }
    if (d.to === 'channelCard') {
      const card = cardOf(subject);
      if (card) {
        await this.send(card.conversationId, () => this.o.messenger.updateInChannel(card, d.message));
        return subject;
      }
      return this.postCard(record, subject, d.message);
    }
    if (d.to === 'thread') {
      const card = cardOf(subject);
      if (!card) throw new DeliveryError(0, 5_000, 'the card is not posted yet');
      await this.send(card.conversationId, () => this.o.messenger.replyInThread(card, d.message));
      return subject;
    }
    const target = await this.o.personalReference(d.userId);
    await this.send(target.reference?.conversation?.id ?? d.userId, () => this.o.messenger.sendPersonal(target, d.message));
    return subject;
  }

  /** One request to the connector under the rate limits; a 429 tells the limiter which conversation to hold. */
  private async send<T>(conversation: string, request: () => Promise<T>): Promise<T> {
    await this.limiter.acquire(conversation);
    try {
      return await request();
    } catch (err) {
      const e = toDeliveryError(err);
      if (e.status === 429) this.limiter.throttled(conversation, e.retryAfterMs ?? 1000);
      throw e;
    }
  }

  /**
   * Posts the order's card to the channel. Teams has no idempotent post, so a crash after Teams took the post
   * and before we saved where it landed posts the card again on restart. The window is kept as small as it can
   * be: the first storage operation after the post is a single write of the post's reference onto this outbox
   * row (no read, no ETag round), and a restart that finds it adopts that card instead of posting again.
   * A row marked as "posting" without a reference is posted again, deliberately: a second card is a nuisance
   * (its buttons still work, the server decides), a missing card loses an order. Duplicates are therefore at
   * most the posts in flight at a crash: this dispatcher has one post in flight at a time (from the post to the
   * saved reference, posts are chained, even while several orders are drained at once). The rate limiter is
   * passed right before the post itself: the send budget's slots hold only if nothing slow comes in between.
   */
  private async postCard(record: OutboxRecord, subject: OutboxSubject, message: OutgoingMessage): Promise<OutboxSubject> {
    let post = record.posted;
    if (!post) {
      const channelId = this.o.adminChannelId();
      if (!channelId) throw new DeliveryError(0, 60_000, 'administrators\' channel is not known yet');
      if (record.postingSince) {
        this.o.log.warn({ orderId: subject.id, since: record.postingSince }, 'an earlier post of this card was not confirmed (crash or error); posting again (the channel may show it twice)');
      }
      // The mark goes before the queue for the post: a crash while waiting only posts again what never left.
      await this.o.store.markPosting(record, new Date(this.now()));
      post = await this.oneAtATime(async () => {
        const posted = await this.send(channelId, () => this.o.messenger.postToChannel(channelId, message));
        await this.o.store.recordPost(record, posted);
        return posted;
      });
    }
    return this.adoptCard(subject, post);
  }

  /** Records where the subject's channel card sits (unless another instance recorded one first: that one stays). */
  private async adoptCard(subject: OutboxSubject, post: { conversationId: string; activityId: string }): Promise<OutboxSubject> {
    if (subject.kind === 'order') {
      const saved = await mutateOrder(this.o.orders, subject.id, (o) => (o.adminCard ? undefined : { order: { ...o, adminCard: post } }));
      return { ...subject, order: saved?.order ?? { ...subject.order, adminCard: post } };
    }
    if (subject.kind === 'task' && this.o.tasks) {
      const saved = await mutateTask(this.o.tasks, subject.id, (t) => (t.adminCard ? undefined : { task: { ...t, adminCard: post } }));
      return { ...subject, task: saved?.task ?? { ...subject.task, adminCard: post } };
    }
    return subject;
  }

  /** Runs channel posts one after another. */
  private oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.posting.then(fn, fn);
    this.posting = run.catch(() => undefined);
    return run;
  }

  /** 'final' when the message will never be retried, else the time of the next attempt. */
  private async onFailure(record: OutboxRecord, subject: OutboxSubject, e: DeliveryError): Promise<'final' | number> {
    const summary = `${e.status || 'error'}: ${e.message}`;
    // 403: blocked or uninstalled, final at once. 404 on a personal chat: the conversation is not (yet) there;
    // retried a few times (it may be being created), then treated like 403.
    const notFoundFinal = e.status === 404 && 'recipientId' in record.message && record.attempts + 1 >= 12;
    if (e.status === 403 || notFoundFinal) {
      await this.o.store.failed(record, summary);
      await this.markUnreachable(record, subject);
      this.o.log.warn({ orderId: subject.id, kind: record.message.kind, status: e.status }, 'recipient unreachable; not retried');
      return 'final';
    }
    const max = this.o.maxAttempts ?? (e.status === 429 ? 30 : 8);
    if (record.attempts + 1 >= max) {
      await this.o.store.failed(record, summary);
      // A personal message given up on (e.g. no conversation with the person yet) is not dropped silently:
      // the administrators see the name on the order card.
      await this.markUnreachable(record, subject);
      this.o.log.error({ orderId: subject.id, kind: record.message.kind, status: e.status, attempts: record.attempts + 1 }, 'outbox message dead-lettered');
      return 'final';
    }
    let delay: number;
    if (e.status === 429) {
      delay = e.retryAfterMs ?? 1000;
    } else if (e.status === 404) {
      delay = Math.min(30_000, 2000 * (record.attempts + 1));
    } else {
      delay = e.retryAfterMs ?? Math.min(300_000, 1000 * 2 ** record.attempts);
    }
    const next = this.now() + delay;
    await this.o.store.reschedule(record, new Date(next), summary);
    this.o.log.info({ orderId: subject.id, kind: record.message.kind, status: e.status, delayMs: delay }, 'outbox delivery will be retried');
    return next;
  }

  /** Names the recipient of a personal message or card on the order's (or task's) card as not reached. */
  private async markUnreachable(record: OutboxRecord, subject: OutboxSubject): Promise<void> {
    const recipient = 'recipientId' in record.message ? record.message.recipientId : undefined;
    if (!recipient) return;
    if (subject.kind === 'order') {
      await mutateOrder(this.o.orders, subject.id, (o) => (o.unreachable.includes(recipient) ? undefined
        : { order: { ...o, unreachable: [...o.unreachable, recipient] }, outbox: [{ kind: 'adminCard', orderId: o.id }] }));
    } else if (subject.kind === 'task' && this.o.tasks) {
      await mutateTask(this.o.tasks, subject.id, (t) => (t.unreachable.includes(recipient) ? undefined
        : { task: { ...t, unreachable: [...t.unreachable, recipient] }, outbox: t.kind === 'revocation' ? [{ kind: 'taskCard', taskId: t.id }] : [] }));
    }
  }

  private now(): number { return (this.o.now ?? Date.now)(); }
}

/** Where a message goes: the channel (card and thread) or one person. */
function destinationOf(record: OutboxRecord): string {
  const m = record.message;
  if (m.kind === 'registerGrant') return 'register';
  return 'recipientId' in m ? `user:${m.recipientId}` : 'channel';
}

/** A message that (re)draws the subject's channel card: several queued in one pass need only the last. */
const isCardUpdate = (record: OutboxRecord): boolean => record.message.kind === 'adminCard' || record.message.kind === 'taskCard';

function cardOf(subject: OutboxSubject): { conversationId: string; activityId: string } | null {
  if (subject.kind === 'order') return subject.order.adminCard;
  if (subject.kind === 'task') return subject.task.adminCard;
  return null;
}

function errorSummary(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : 'unknown error';
}

/** A counting semaphore, first come first served: at most `free` tasks run at once. */
class Slots {
  private readonly waiting: Array<() => void> = [];
  constructor(private free: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
