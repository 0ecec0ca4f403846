import { odata, type TableClient } from '@azure/data-tables';
import type { AnsweredReview, ReviewRecord } from '../domain/review';
import type { IsoDate } from '../domain/workdays';
import { Tables, isStatus } from './tables';
import { safeKey } from './entities';

/** orderIndex partition of the per-person review records (RowKey = person id; fields lastRound, lastReviewedOn). */
const RECORDS = 'review|person';
/** orderIndex partition of answered reviews (RowKey = `<answeredOn>|<task id>`), what the progress view counts. */
const ANSWERED = 'review|answered';
/** orderIndex partition of answers whose follow-up (revocation task, record) may not have run (RowKey = task id). */
const PENDING = 'review|pending';
/** counters row holding the first day reviews ran (rounds that began earlier are not caught up). */
const SINCE = { partitionKey: 'marker', rowKey: 'reviews-since' };

/**
 * What the reviews remember beside their tasks: each person's last round and last answered review (one partition,
 * read whole by the daily sweep: 40,000 people = 40 pages), the answered reviews for the administrators' progress
 * view, and the day reviews began. The tasks themselves stay in the TaskStore.
 */
export class ReviewStore {
  private readonly index: TableClient;
  private readonly counters: TableClient;

  constructor(tables: Tables) {
    this.index = tables.client('orderIndex');
    this.counters = tables.client('counters');
  }

  /** The first day reviews ran: written once (by the first sweep that asks), then read. */
  async since(today: IsoDate): Promise<IsoDate> {
    try {
      await this.counters.createEntity({ ...SINCE, day: today });
      return today;
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
    }
    const e = await this.counters.getEntity<{ day: string }>(SINCE.partitionKey, SINCE.rowKey);
    return e.day;
  }

  /** Every person's review record, by person id. */
  async records(): Promise<Map<string, ReviewRecord>> {
    const out = new Map<string, ReviewRecord>();
    const query = { filter: odata`PartitionKey eq ${RECORDS}`, select: ['RowKey', 'lastRound', 'lastReviewedOn'] };
    for await (const e of this.index.listEntities<{ lastRound?: string; lastReviewedOn?: string }>({ queryOptions: query })) {
      out.set(String(e.rowKey), { ...(e.lastRound ? { lastRound: e.lastRound } : {}), ...(e.lastReviewedOn ? { lastReviewedOn: e.lastReviewedOn } : {}) });
    }
    return out;
  }

  async record(personId: string): Promise<ReviewRecord | undefined> {
    try {
      const e = await this.index.getEntity<{ lastRound?: string; lastReviewedOn?: string }>(RECORDS, safeKey(personId));
      return { ...(e.lastRound ? { lastRound: e.lastRound } : {}), ...(e.lastReviewedOn ? { lastReviewedOn: e.lastReviewedOn } : {}) };
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /** The person's round `round` is handled (opened, or passed over with the reason in `skipped`). */
  async recordRound(personId: string, round: IsoDate, skipped?: string): Promise<void> {
    await this.index.upsertEntity({ partitionKey: RECORDS, rowKey: safeKey(personId), lastRound: round, skipped: skipped ?? '' }, 'Merge');
  }

  /** A review was answered: counted for the progress view, and the person's last review day moves on. Idempotent. */
  async recordAnswer(a: AnsweredReview): Promise<void> {
    await this.index.upsertEntity({ partitionKey: ANSWERED, rowKey: safeKey(`${a.answeredOn}|${a.taskId}`), data: JSON.stringify(a) }, 'Replace');
    const prior = await this.record(a.personId);
    if (prior?.lastReviewedOn && prior.lastReviewedOn >= a.answeredOn) return;
    await this.index.upsertEntity({ partitionKey: RECORDS, rowKey: safeKey(a.personId), lastReviewedOn: a.answeredOn }, 'Merge');
  }

  /** An answer is about to be written: its follow-up is owed until clearPending (the sweep repairs a crash in between). */
  async markPending(taskId: string, at: string): Promise<void> {
    await this.index.upsertEntity({ partitionKey: PENDING, rowKey: safeKey(taskId), taskId, at }, 'Replace');
  }

  async clearPending(taskId: string): Promise<void> {
    await this.index.deleteEntity(PENDING, safeKey(taskId)).catch((err) => { if (!isStatus(err, 404)) throw err; });
  }

  /** Answers whose follow-up may be owed: task id and when the answer began. */
  async pending(): Promise<Array<{ taskId: string; at: string }>> {
    const out: Array<{ taskId: string; at: string }> = [];
    const query = { filter: odata`PartitionKey eq ${PENDING}`, select: ['taskId', 'at'] };
    for await (const e of this.index.listEntities<{ taskId: string; at: string }>({ queryOptions: query })) out.push({ taskId: e.taskId, at: e.at });
    return out;
  }

  /** Reviews answered on or after `from`. */
  async answeredSince(from: IsoDate): Promise<AnsweredReview[]> {
    const out: AnsweredReview[] = [];
    const filter = odata`PartitionKey eq ${ANSWERED} and RowKey ge ${from}`;
    for await (const e of this.index.listEntities<{ data: string }>({ queryOptions: { filter, select: ['data'] } })) out.push(JSON.parse(e.data) as AnsweredReview);
    return out;
  }
}
