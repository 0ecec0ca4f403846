import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
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
  /**
   * Orders whose new channel card waits in the channel lane without holding a slot (default 16: about 2 s of
   * posts at Teams' 7/s per conversation, far below the lease). When it is full, an order's channel messages are
   * left for a later pass (its other messages go on). Only with `concurrency` > 1.
   */
  channelLane?: number;
  /**
   * Waits for a person's chat (an order's messages to one person, when the chat is past Teams' 7 a second) that
   * hold no slot, at most this many at once (default 128; only with `concurrency` > 1). Beyond that, an order
   * waits holding its slot. A wait keeps the order's records and lease in memory: nothing is read again.
   */
  personSeats?: number;
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
 * instances and for retries. Several orders can be drained at once (`concurrency`), so a slow send or a storage
 * round trip does not hold the whole app's sending to one message at a time.
 *
 * The channel is one lane, people are many. With `concurrency` > 1 an order's messages are grouped by destination
 * (the channel, each person, the register) and the groups go at the same time, each in its own order. New
 * channel cards are posted one at a time (see postCard) at the channel's 7/s, so an order whose card has to wait
 * gives its slot back once its other messages are out and waits in the channel lane (bounded: `channelLane`),
 * keeping its lease, which is renewed before a post when half of it has passed. When the lane is full the
 * order's channel messages stay for a later pass, and the orders turned away keep their place: the lane posts
 * the earliest written card first and keeps seats for earlier orders it turned away.
 *
 * A person's chat is a lane of its own, and a busy one (a manager told of 100 orders at once) must not hold the
 * slots the other people's messages need: an order whose messages wait only for their chats' turns gives its slot
 * back (bounded: `personSeats`) and keeps its lease and what it read, so the wait costs no storage round trip;
 * the rate limiter hands out each chat's turns in the order asked. A stop ends these waits at once (the messages
 * stay pending). With `concurrency` 1 (tests, tools) an order's messages go one after another, as written, and
 * nothing else overlaps a channel post.
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
  /**
   * No listing before this (real time): a listing costs in proportion to the pending rows, and under a backlog
   * (where new work waits behind the old anyway) a stream of commits would otherwise re-read it back to back.
   */
  private listAgainAt = 0;
  private listTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = 0;
  /** New channel cards: one post at a time (see postCard), earliest written first, and the seats of the lane. */
  private readonly lane: ChannelLane;
  /** Orders of `active` that gave their slot back and wait in the channel lane or for people's chats. */
  private parked = 0;
  /** People's messages waiting for their chat's turn without a slot (`personSeats`). */
  private personWaits = 0;
  private readonly personSeats: number;
  /** The ETag each order was read with (keyed by the object read), so a write after a post needs no second read. */
  private readonly etags = new WeakMap<Order, string>();
  /** Aborted by stop(): ends the waits for chats' turns and the app's rate (every waiting message listens). */
  private stopping = unboundedAbort();
  private stopped = true;

  constructor(private readonly o: DispatcherOptions) {
    this.limiter = o.limiter ?? new RateLimiter();
    this.concurrency = o.concurrency ?? 1;
    this.slots = new Slots(this.concurrency);
    this.lane = new ChannelLane(o.channelLane ?? 16);
    this.personSeats = o.personSeats ?? 128;
  }

  /** Set once start() ran: a dispatcher used only through runOnce() (tests, tools) is never "stopping". */
  private started = false;

  start(): void {
    this.started = true;
    this.stopped = false;
    if (this.stopping.signal.aborted) this.stopping = unboundedAbort();
    this.kick();
  }

  /** Stops polling and waits for the passes under way to finish (graceful shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort(new Interrupted());
    clearTimeout(this.pollTimer);
    clearTimeout(this.wakeTimer);
    clearTimeout(this.listTimer);
    this.pollTimer = undefined;
    this.wakeTimer = undefined;
    this.listTimer = undefined;
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
    this.listAgainAt = Date.now() + Math.min(this.o.pollMs ?? 2000, partitions.length * LIST_MS_PER_ROW);
    this.pump();
    // Partitions handed back with a time to come back (a retry, a card the full lane turned away): wake then,
    // not at the next poll (one timer holds only the earliest; this pass finds the next one).
    const now = this.now();
    const comeBack = partitions.reduce((at, p) => (!p.leaseOwner && p.leaseUntil > now && (at === 0 || p.leaseUntil < at) ? p.leaseUntil : at), 0);
    if (comeBack > 0) this.wakeUpAt(comeBack);
    // The oldest first (order ids are not in time order): with a backlog, early orders' cards go first.
    const mine = partitions.filter((p) => !this.active.has(p.orderId))
      .sort((a, b) => (a.touchedAt ?? '').localeCompare(b.touchedAt ?? ''));
    for (const p of mine) this.active.add(p.orderId);
    // Every started drain is waited for, even when one fails (stop() must not leave any behind).
    // An order the lane turned away goes ahead of the queue: a seat may be kept for it, and must not idle.
    const outcomes = await Promise.allSettled(mine.map((p) => this.slots.run(this.lane.isTurnedAway(p.orderId), async (freeSlot) => {
      let parked = false;
      // The order's card waits in the channel lane: its slot goes to the next order (it stays in `active`).
      const park = () => {
        if (parked) return;
        parked = true;
        this.parked++;
        freeSlot();
        this.pump();
      };
      // Drains started before this one ask the lane for their seats first (see ChannelLane.inTurn).
      this.lane.starting(p.orderId);
      try {
        if (this.stopped && this.started) return 0; // shutting down: leases expire and another instance goes on
        // A card the full lane turned away, still without a seat and nothing new committed: not even leased (a
        // seat freed kicks a pass).
        if (this.lane.mustWait(p.orderId, this.now(), Date.parse(p.touchedAt ?? '') || 0)) return 0;
        const lease = await this.o.store.tryLease(p, this.instanceId, this.leaseMs, this.now());
        return lease ? await this.drain(lease, park) : 0;
      } finally {
        this.lane.decided(p.orderId);
        if (parked) this.parked--;
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
   * re-read a long pending list for each of them. Nor does it list again sooner than the last listing's length
   * allows (LIST_MS_PER_ROW): a long list is read a few times a second at most.
   */
  private pump(): void {
    if (this.stopped || this.listing || !this.wanted) return;
    // A seat kept for an order the lane turned away is taken now, even behind a backlog (unless the order is
    // already queued in a pass).
    if (this.active.size - this.parked >= this.concurrency && !this.lane.seatWaiting(this.now(), (id) => !this.active.has(id))) return;
    const gap = this.listAgainAt - Date.now();
    if (gap > 0) {
      this.listTimer ??= setTimeout(() => { this.listTimer = undefined; this.pump(); }, gap);
      this.listTimer.unref?.();
      return;
    }
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
    // Never later than the next poll (which would find it anyway): a far time (a clock set differently, a long
    // Retry-After) is not a timer Node would overflow to 1 ms and fire at once, again and again.
    this.wakeTimer = setTimeout(() => { this.wakeTimer = undefined; this.kick(); }, Math.min(Math.max(0, at - this.now()), this.o.pollMs ?? 2000));
    this.wakeTimer.unref?.();
  }

  private async drain(lease: PendingPartition, park: () => void): Promise<number> {
    const records = await this.o.store.pendingMessages(lease.orderId);
    const pass: Pass = { orderId: lease.orderId, lease, remaining: records.length, nextAttempt: 0, delivered: 0, interrupted: false };
    // The subject (order or task) is read once per pass (all its messages render from the same state), and
    // again only after this pass changed it (where the card was posted, who is unreachable).
    const subject = records.length ? await this.load(lease.orderId) : undefined;
    try {
      if (this.concurrency === 1) await this.deliverInOrder(pass, records, subject);
      else await this.deliverByDestination(pass, records, subject, park);
    } catch (err) {
      if (err instanceof LeaseLost) {
        // Another instance has the partition now: nothing more is done or written here.
        this.o.log.warn({ orderId: lease.orderId }, 'outbox lease lost before a send; the other instance goes on');
        return pass.delivered;
      }
      // A storage or render failure mid-pass: hand the lease back anyway (best effort), so the partition is not
      // blocked for the whole lease time; the messages stay pending.
      await this.o.store.release(pass.lease, Math.max(pass.remaining, 1), 0).catch(() => undefined);
      throw err;
    }
    // Shutting down mid-pass: the messages not looked at are due now, so the next start takes them at once.
    await this.o.store.release(pass.lease, pass.remaining, pass.interrupted || pass.cardTurnedAway ? 0 : pass.nextAttempt);
    if (pass.remaining > 0 && !pass.interrupted) this.wakeUpAt(pass.nextAttempt);
    return pass.delivered;
  }

  /**
   * The groups of one order's messages, one per destination, at the same time. The channel's group waits for the
   * lane when it posts a new card; the slot is given back (`park`) once the other groups are done.
   */
  private async deliverByDestination(pass: Pass, records: OutboxRecord[], subject: OutboxSubject | undefined, park: () => void): Promise<void> {
    const groups = new Map<string, OutboxRecord[]>();
    for (const record of records) {
      const destination = destinationOf(record);
      groups.set(destination, [...(groups.get(destination) ?? []), record]);
    }
    const channel = groups.get('channel');
    groups.delete('channel');
    // Each group has its own view of the subject: the channel's (where its card sits) is changed by it alone.
    // The slot goes to the next order once every group is done or waits for its person's chat in a seat.
    let running = groups.size;
    const settled = () => { if (--running === 0) park(); };
    const others = Promise.allSettled([...groups.values()].map((group) => {
      let seated = false;
      const onWait = () => {
        if (seated || this.personWaits >= this.personSeats) return;
        seated = true;
        this.personWaits++;
        settled();
      };
      return this.deliverInOrder(pass, group, subject, onWait).finally(() => { if (seated) this.personWaits--; else settled(); });
    }));
    let channelRun: Promise<void> = Promise.resolve();
    if (!channel || !this.postsCard(channel, subject)) {
      this.lane.decided(pass.orderId);
      if (channel) channelRun = this.deliverInOrder(pass, channel, subject);
    } else {
      // Orders drained at once read their partitions at once, and the reads end in any order: the seats go in the
      // order the drains started (the oldest order first), not in the order their reads came back.
      await this.lane.inTurn(pass.orderId);
      const seated = this.lane.enter(pass.orderId, channelKey(pass.orderId, channel), this.now());
      this.lane.decided(pass.orderId);
      if (seated) {
        channelRun = this.deliverInOrder(pass, channel, subject).finally(() => { if (this.lane.leave()) this.kick(); });
      }
      // Else the lane is full: the card goes in a later pass, which a freed seat kicks (until then, passes skip
      // the order without a storage read). The partition is handed back due now, whatever else of it waits.
      else pass.cardTurnedAway = true;
    }
    const failures = (await others).filter((o) => o.status === 'rejected');
    park();
    const [channelOutcome] = await Promise.allSettled([channelRun]);
    if (channelOutcome.status === 'rejected') throw channelOutcome.reason;
    if (failures[0]) throw failures[0].reason;
  }

  /** Whether a group of channel messages posts a new card (and so needs the lane). */
  private postsCard(channel: OutboxRecord[], subject: OutboxSubject | undefined): boolean {
    return subject !== undefined && !cardOf(subject) && channel.some(isCardUpdate);
  }

  /**
   * Delivers messages in the order written. Messages to one destination keep their order: once one waits, later
   * ones to the same place wait too. Other destinations go on (an unreachable manager must not hold up the
   * channel card).
   */
  private async deliverInOrder(pass: Pass, records: OutboxRecord[], loaded: OutboxSubject | undefined, onWait?: () => void): Promise<void> {
    let subject = loaded;
    const waiting = new Set<string>();
    const lastCardUpdate = records.map(isCardUpdate).lastIndexOf(true);
    for (const [i, record] of records.entries()) {
      if (this.stopped && this.started) { pass.interrupted = true; break; }
      const destination = destinationOf(record);
      if (waiting.has(destination)) continue;
      const due = Date.parse(record.notBefore);
      if (due > this.now()) { waiting.add(destination); later(pass, due); continue; }
      if (!subject) { await this.o.store.failed(record, 'order not found'); pass.remaining--; continue; }
      if (isCardUpdate(record) && cardOf(subject) && i < lastCardUpdate) {
        // The card always shows the order as it is now: one update for several queued changes is enough.
        await this.o.store.delivered(record);
        pass.remaining--;
        continue;
      }
      try {
        await this.keepLease(pass);
        subject = await this.deliver(pass, record, subject, onWait);
        await this.o.store.delivered(record);
        pass.delivered++;
        pass.remaining--;
      } catch (err) {
        if (err instanceof LeaseLost) throw err;
        if (err instanceof Interrupted) { pass.interrupted = true; break; }
        const outcome = await this.onFailure(record, subject, toDeliveryError(err));
        if (outcome === 'final') {
          subject = await this.load(pass.orderId);
          pass.remaining--;
          continue;
        }
        waiting.add(destination);
        later(pass, outcome);
      }
    }
  }

  /** The order, task or notice partition an outbox partition belongs to; undefined when it is gone. */
  private async load(partition: string): Promise<OutboxSubject | undefined> {
    if (isNoticePartition(partition)) return { kind: 'notices', id: partition };
    if (isTaskId(partition)) {
      const stored = await this.o.tasks?.get(partition);
      return stored && { kind: 'task', id: partition, task: stored.task };
    }
    const stored = await this.o.orders.get(partition);
    if (stored) this.etags.set(stored.order, stored.etag);
    return stored && { kind: 'order', id: partition, order: stored.order };
  }

  /** Delivers one message; returns the subject as it is afterwards (posting the card records where it sits). */
  private async deliver(pass: Pass, record: OutboxRecord, subject: OutboxSubject, onWait?: () => void): Promise<OutboxSubject> {
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
      return this.postCard(pass, record, subject, d.message);
    }
    if (d.to === 'thread') {
      const card = cardOf(subject);
      if (!card) throw new DeliveryError(0, 5_000, 'the card is not posted yet');
      await this.send(card.conversationId, () => this.o.messenger.replyInThread(card, d.message));
      return subject;
    }
    const target = await this.o.personalReference(d.userId);
    await this.send(target.reference?.conversation?.id ?? d.userId, () => this.o.messenger.sendPersonal(target, d.message), false, onWait);
    return subject;
  }

  /** One request to the connector under the rate limits; a 429 tells the limiter which conversation to hold. */
  private async send<T>(conversation: string, request: () => Promise<T>, first = false, onWait?: () => void): Promise<T> {
    // Only a started dispatcher is stopped (runOnce() alone, in tests and tools, runs to the end).
    await this.limiter.acquire(conversation, first, { onWait, signal: this.started ? this.stopping.signal : undefined });
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
   * saved reference, posts go through the channel lane one by one, even while several orders are drained at
   * once). A card may wait in the lane: its lease is renewed before the post when half of it has passed, so it
   * never runs out while we act on the partition (a lost lease means another instance has it: we stop). The
   * rate limiter is passed right before the post itself: the send budget's slots hold only if nothing slow
   * comes in between.
   */
  private async postCard(pass: Pass, record: OutboxRecord, subject: OutboxSubject, message: OutgoingMessage): Promise<OutboxSubject> {
    let post = record.posted;
    if (!post) {
      const channelId = this.o.adminChannelId();
      if (!channelId) throw new DeliveryError(0, 60_000, 'administrators\' channel is not known yet');
      if (record.postingSince) {
        this.o.log.warn({ orderId: subject.id, since: record.postingSince }, 'an earlier post of this card was not confirmed (crash or error); posting again (the channel may show it twice)');
      }
      // The mark goes before the queue for the post: a crash while waiting only posts again what never left.
      await this.o.store.markPosting(record, new Date(this.now()));
      post = await this.lane.post(record.rowKey, async () => {
        // Shutting down while the card waited: it stays marked and pending, the next start posts it.
        if (this.stopped && this.started) throw new Interrupted();
        await this.keepLease(pass);
        const posted = await this.send(channelId, () => this.o.messenger.postToChannel(channelId, message), true);
        await this.o.store.recordPost(record, posted);
        return posted;
      });
    }
    return this.adoptCard(subject, post);
  }

  /** Records where the subject's channel card sits (unless another instance recorded one first: that one stays). */
  private async adoptCard(subject: OutboxSubject, post: { conversationId: string; activityId: string }): Promise<OutboxSubject> {
    if (subject.kind === 'order') {
      // Starts from the order as this pass read it (its ETag kept): no second read unless someone changed it since.
      const etag = this.etags.get(subject.order);
      const saved = await mutateOrder(this.o.orders, subject.id, (o) => (o.adminCard ? undefined : { order: { ...o, adminCard: post } }), 5,
        etag === undefined ? undefined : { order: subject.order, etag });
      return { ...subject, order: saved?.order ?? { ...subject.order, adminCard: post } };
    }
    if (subject.kind === 'task' && this.o.tasks) {
      const saved = await mutateTask(this.o.tasks, subject.id, (t) => (t.adminCard ? undefined : { task: { ...t, adminCard: post } }));
      return { ...subject, task: saved?.task ?? { ...subject.task, adminCard: post } };
    }
    return subject;
  }

  private get leaseMs(): number { return this.o.leaseMs ?? 60_000; }

  /**
   * Renews the pass's lease once half of it has passed, before a message is sent (ETag-guarded: it fails if
   * another instance took the partition). The groups of a pass share one renewal.
   */
  private keepLease(pass: Pass): Promise<void> {
    if (this.now() < pass.lease.leaseUntil - this.leaseMs / 2) return Promise.resolve();
    pass.renewal ??= (async () => {
      try {
        const renewed = await this.o.store.tryLease(pass.lease, this.instanceId, this.leaseMs, this.now());
        if (!renewed) throw new LeaseLost();
        pass.lease = renewed;
      } finally {
        pass.renewal = undefined;
      }
    })();
    return pass.renewal;
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

/** One pass over one order's outbox partition: what its destination groups share. */
interface Pass {
  orderId: string;
  /** The lease as last written (a renewal changes its ETag and end). */
  lease: PendingPartition;
  /** Messages still pending after this pass (given up ones and delivered ones are not). */
  remaining: number;
  /** When the earliest message left waiting is due (0: none). */
  nextAttempt: number;
  delivered: number;
  /** The pass stopped early for a shutdown. */
  interrupted: boolean;
  /** The channel lane was full: the order's new card waits for a seat (a freed one kicks a pass). */
  cardTurnedAway?: boolean;
  /** A renewal of the lease under way (shared by the groups). */
  renewal?: Promise<void>;
}

function later(pass: Pass, at: number): void {
  pass.nextAttempt = pass.nextAttempt === 0 ? at : Math.min(pass.nextAttempt, at);
}

/** The lease ran out and another instance took the partition before a send: this pass stops acting on it. */
class LeaseLost extends Error {}
/** The dispatcher is stopping: a card waiting in the lane is not posted now. */
class Interrupted extends Error {}

/** The lane's order for an order's new card: when its first card message was written, then the order id. */
function channelKey(orderId: string, channel: OutboxRecord[]): string {
  return `${(channel.find(isCardUpdate) ?? channel[0]).rowKey}|${orderId}`;
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

/** An AbortController whose signal any number of waits may listen to without Node's leak warning. */
function unboundedAbort(): AbortController {
  const controller = new AbortController();
  setMaxListeners(Infinity, controller.signal);
  return controller;
}

function errorSummary(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : 'unknown error';
}

/**
 * A counting semaphore, first come first served (a `first` task goes ahead): at most `free` tasks run at once; a
 * task may give its slot back early.
 */
class Slots {
  private readonly waiting: Array<() => void> = [];
  constructor(private free: number) {}

  async run<T>(first: boolean, task: (freeSlot: () => void) => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => (first ? this.waiting.unshift(r) : this.waiting.push(r)));
    let held = true;
    const freeSlot = () => {
      if (!held) return;
      held = false;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
    try {
      return await task(freeSlot);
    } finally {
      freeSlot();
    }
  }
}

/**
 * The gap after a listing before the next, per pending partition it returned (capped at the poll interval): 700
 * pending orders are listed about three times a second, a handful at once after each commit.
 */
const LIST_MS_PER_ROW = 0.5;

/** About how long one card takes in the lane (Teams' 7/s per conversation): when a turned-away order may have a seat. */
const LANE_POST_MS = Math.ceil(1000 / 7);
/** An order turned away that has not come back within this long after its time is forgotten (another instance took it). */
const LANE_FORGET_MS = 10_000;

/**
 * The channel lane: new cards are posted one at a time, the earliest written first, by at most `seats` orders
 * waiting at once. An order turned away when the lane is full is told when to come back, and keeps its place:
 * seats are kept for the orders turned away before it, so new orders do not overtake them.
 */
class ChannelLane {
  private held = 0;
  /** Orders turned away: order id → their key, when, and about when a seat may be free for them. */
  private readonly turnedAway = new Map<string, { key: string; at: number; back: number }>();
  private readonly queue: Array<{ key: string; go: () => void }> = [];
  private posting = false;
  /** Drains under way that have not asked for a seat yet (nor said they need none): order id → when they started. */
  private readonly deciding = new Map<string, number>();
  private started = 0;
  private readonly inTurnWaiting: Array<{ at: number; go: () => void }> = [];

  constructor(private readonly seats: number) {}

  /** A drain starts: it asks for its seat (or says it needs none: decided) before the drains started after it. */
  starting(orderId: string): void {
    this.deciding.set(orderId, this.started++);
  }

  /** Resolves once every drain started before this order's has asked for its seat, needs none, or ended. */
  async inTurn(orderId: string): Promise<void> {
    const at = this.deciding.get(orderId);
    if (at === undefined || !this.decidingBefore(at)) return;
    await new Promise<void>((go) => this.inTurnWaiting.push({ at, go }));
  }

  /** The order's drain asked for its seat, needs none, or ended (idempotent). */
  decided(orderId: string): void {
    if (!this.deciding.delete(orderId)) return;
    for (let i = this.inTurnWaiting.length - 1; i >= 0; i--) {
      const w = this.inTurnWaiting[i];
      if (!this.decidingBefore(w.at)) { this.inTurnWaiting.splice(i, 1); w.go(); }
    }
  }

  private decidingBefore(at: number): boolean {
    for (const other of this.deciding.values()) if (other < at) return true;
    return false;
  }

  /**
   * Takes a seat for the order whose card has this key (true), or turns it away (false): passes skip it without a
   * storage read while it has no seat (mustWait), and it goes ahead of the others when one is free for it.
   */
  enter(orderId: string, key: string, now: number): boolean {
    const ahead = this.ahead(key, now);
    if (this.seats - this.held > ahead) {
      this.turnedAway.delete(orderId);
      this.held++;
      return true;
    }
    this.turnedAway.set(orderId, { key, at: now, back: now + (ahead + this.held - this.seats + 1) * LANE_POST_MS });
    return false;
  }

  isTurnedAway(orderId: string): boolean { return this.turnedAway.has(orderId); }

  /** A seat is free and an order turned away (one that `waits`: not queued already) waits for it. */
  seatWaiting(now: number, waits: (orderId: string) => boolean): boolean {
    if (this.seats <= this.held) return false;
    this.ahead('', now); // forgets the long overdue
    for (const orderId of this.turnedAway.keys()) if (waits(orderId)) return true;
    return false;
  }

  /**
   * An order turned away that would be turned away again now (no seat left for it) and has no commit since
   * (`touchedAt`: a new message for a person must not wait for the card): not worth a storage read.
   */
  mustWait(orderId: string, now: number, touchedAt: number): boolean {
    const mine = this.turnedAway.get(orderId);
    return mine !== undefined && touchedAt <= mine.at && this.seats - this.held <= this.ahead(mine.key, now);
  }

  /** Gives the seat back; true when orders turned away wait for one. */
  leave(): boolean {
    this.held--;
    return this.turnedAway.size > 0;
  }

  /** Orders turned away before this key (those long overdue are forgotten: another instance took them). */
  private ahead(key: string, now: number): number {
    let ahead = 0;
    for (const [orderId, t] of this.turnedAway) {
      if (t.back + LANE_FORGET_MS < now) this.turnedAway.delete(orderId);
      else if (t.key < key) ahead++;
    }
    return ahead;
  }

  /** Runs `fn` when no other post runs and no earlier-written card waits; one at a time. */
  async post<T>(key: string, fn: () => Promise<T>): Promise<T> {
    if (this.posting) {
      await new Promise<void>((go) => {
        const at = this.queue.findIndex((w) => w.key > key);
        this.queue.splice(at < 0 ? this.queue.length : at, 0, { key, go });
      });
    } else {
      this.posting = true;
    }
    try {
      return await fn();
    } finally {
      const next = this.queue.shift();
      if (next) next.go();
      else this.posting = false;
    }
  }
}
