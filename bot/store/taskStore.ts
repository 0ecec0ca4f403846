import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { AuditEvent } from '../domain/audit';
import type { OutboxMessage } from '../domain/outbox';
import type { RegisterTask } from '../domain/registerTask';
import { noticePartition } from '../domain/registerTask';
import { Tables, isStatus } from './tables';
import { pendingPointer } from './outboxRows';
import { appendActions } from './partitionRows';
import { ConcurrencyError } from './orderStore';
import { mapLimit } from './mapLimit';
import { mutateRecord } from './mutateOrder';
import { safeKey } from './entities';

export interface StoredTask { task: RegisterTask; etag: string }

/** The row of a task in its partition of `orders`. */
const TASK_ROW = 'task';
const TASK_SCHEMA = 1;
/** orderIndex partition listing the open tasks (RowKey = task id; fields: kind, personId, dueOn). */
const OPEN_TASKS = 'task|open';
/** RowKey prefix of a notice's marker row in a person's notice partition. */
const NOTICE_MARKER = 'sent|';

/**
 * Register tasks (revocation, review) and a person's notices, in the `orders` table beside the orders: a task is a
 * partition of its own (`task-…`: the task row, its audit rows, its outbox rows), found through the open-task
 * index (`orderIndex`, partition `task|open`). Notices go to the person's notice partition (`note-…`) with a
 * marker row in the same transaction, so each is written once whoever sweeps.
 */
export class TaskStore {
  private readonly orders: TableClient;
  private readonly index: TableClient;
  private readonly outboxIndex: TableClient;
  private readonly counters: TableClient;
  private readonly now: () => Date;

  constructor(tables: Tables, options: { now?: () => Date } = {}) {
    this.orders = tables.client('orders');
    this.index = tables.client('orderIndex');
    this.outboxIndex = tables.client('outboxIndex');
    this.counters = tables.client('counters');
    this.now = options.now ?? (() => new Date());
  }

  async get(id: string): Promise<StoredTask | undefined> {
    try {
      const e = await this.orders.getEntity<{ data: string; schema?: number }>(id, TASK_ROW);
      return { task: decodeTask(e), etag: String(e.etag) };
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /** Writes a new task with its first audit and outbox rows; 'exists' when the id is taken (the same task, opened elsewhere). */
  async create(task: RegisterTask, audit: AuditEvent[], outbox: OutboxMessage[]): Promise<'created' | 'exists'> {
    await Promise.all([this.syncIndex(task), outbox.length ? this.touchOutbox(task.id) : undefined]);
    try {
      await this.orders.submitTransaction([['create', encodeTask(task)], ...appendActions(task.id, audit, outbox, this.now())]);
    } catch (err) {
      if (isStatus(err, 409)) return 'exists';
      throw err;
    }
    if (outbox.length) await this.touchOutbox(task.id).catch(() => undefined);
    return 'created';
  }

  /** Saves a change (ETag-guarded: ConcurrencyError when someone changed the task since `etag`). */
  async update(task: RegisterTask, etag: string, audit: AuditEvent[], outbox: OutboxMessage[]): Promise<string> {
    if (outbox.length) await this.touchOutbox(task.id);
    if (task.status === 'open') await this.syncIndex(task);
    let newEtag: string;
    try {
      const actions: TransactionAction[] = [['update', encodeTask(task), 'Replace', { etag }], ...appendActions(task.id, audit, outbox, this.now())];
      newEtag = (await this.orders.submitTransaction(actions)).subResponses[0]?.etag ?? '';
    } catch (err) {
      if (isStatus(err, 412)) throw new ConcurrencyError(task.id);
      throw err;
    }
    if (task.status !== 'open') await this.index.deleteEntity(OPEN_TASKS, task.id).catch(() => undefined);
    if (outbox.length) await this.touchOutbox(task.id).catch(() => undefined);
    return newEtag;
  }

  /** The open tasks, oldest first (an index row whose task is gone or done is skipped). */
  async listOpen(filter?: { kind?: RegisterTask['kind']; personId?: string }): Promise<RegisterTask[]> {
    let query = odata`PartitionKey eq ${OPEN_TASKS}`;
    if (filter?.kind) query += ` and ${odata`kind eq ${filter.kind}`}`;
    if (filter?.personId) query += ` and ${odata`personId eq ${filter.personId}`}`;
    const ids: string[] = [];
    for await (const e of this.index.listEntities({ queryOptions: { filter: query, select: ['RowKey'] } })) ids.push(String(e.rowKey));
    const loaded = await mapLimit(ids, 16, (id) => this.get(id));
    return loaded.filter((t): t is StoredTask => t !== undefined && t.task.status === 'open').map((t) => t.task)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async auditTrail(id: string): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    const filter = odata`PartitionKey eq ${id} and RowKey ge ${'audit|'} and RowKey lt ${'audit}'}`;
    for await (const e of this.orders.listEntities<{ data: string }>({ queryOptions: { filter } })) events.push(JSON.parse(e.data) as AuditEvent);
    return events;
  }

  /**
   * Queues notices to a person under a marker key (e.g. `renewal|<theme>|<start>|30`): the marker row and the
   * outbox rows commit together, so a notice is queued once; 'exists' when the marker was already written.
   */
  async notice(personId: string, marker: string, outbox: OutboxMessage[]): Promise<'queued' | 'exists'> {
    const partition = noticePartition(personId);
    // A marker without messages (a lead time passed unsent) gives the dispatcher nothing to look at.
    if (outbox.length) await this.touchOutbox(partition);
    for (let attempt = 1; ; attempt++) {
      const now = this.now();
      // A retry's rows are stamped up to a second later (a notice partition's messages need no strict order), so
      // it draws its key from a far larger space than the first attempt's millisecond.
      const at = attempt === 1 ? now : new Date(now.getTime() + 1 + Math.floor(Math.random() * 999));
      try {
        await this.orders.submitTransaction([
          ['create', { partitionKey: partition, rowKey: NOTICE_MARKER + safeKey(marker), at: now.toISOString() }],
          ...appendActions(partition, [], outbox, at),
        ]);
        break;
      } catch (err) {
        if (!isStatus(err, 409)) throw err;
        // A conflict is the marker (queued before) or an outbox row key taken by another notice written into this
        // partition in the same millisecond (a sweep notifies one manager of many reports at once): then nothing
        // was written, and a new attempt draws another key.
        if (await this.noticeSent(personId, marker)) return 'exists';
        if (attempt >= 5) throw err;
      }
    }
    if (outbox.length) await this.touchOutbox(partition).catch(() => undefined);
    return 'queued';
  }

  /** Whether a notice with this marker was queued. */
  async noticeSent(personId: string, marker: string): Promise<boolean> {
    try {
      await this.orders.getEntity(noticePartition(personId), NOTICE_MARKER + safeKey(marker));
      return true;
    } catch (err) {
      if (isStatus(err, 404)) return false;
      throw err;
    }
  }

  /** Takes the day's register sweep for this instance; false when another took it. */
  async claimSweep(day: string): Promise<boolean> {
    try {
      await this.counters.createEntity({ partitionKey: 'marker', rowKey: `register-sweep-${safeKey(day)}`, at: this.now().toISOString() });
      return true;
    } catch (err) {
      if (isStatus(err, 409)) return false;
      throw err;
    }
  }

  /** Gives the day back (the sweep failed; the next look retries). */
  async releaseSweep(day: string): Promise<void> {
    await this.counters.deleteEntity('marker', `register-sweep-${safeKey(day)}`).catch((err) => { if (!isStatus(err, 404)) throw err; });
  }

  private async syncIndex(task: RegisterTask): Promise<void> {
    await this.index.upsertEntity({ partitionKey: OPEN_TASKS, rowKey: task.id, kind: task.kind, personId: task.personId,
      dueOn: task.dueOn, createdAt: task.createdAt }, 'Replace');
  }

  private async touchOutbox(partition: string): Promise<void> {
    await this.outboxIndex.upsertEntity(pendingPointer(partition, this.now()), 'Merge');
  }
}

/** Applies a system change to a task (reload and re-apply on an ETag conflict); undefined from `change` = nothing to do. */
export async function mutateTask(tasks: TaskStore, id: string,
  change: (current: RegisterTask) => { task: RegisterTask; audit?: AuditEvent[]; outbox?: OutboxMessage[] } | undefined,
  attempts = 5): Promise<StoredTask | undefined> {
  const done = await mutateRecord(async () => {
    const s = await tasks.get(id);
    return s && { value: s.task, etag: s.etag };
  }, change, async (m, current) => ({ value: m.task, etag: await tasks.update(m.task, current.etag, m.audit ?? [], m.outbox ?? []) }), attempts);
  return done && { task: done.value, etag: done.etag };
}

function encodeTask(task: RegisterTask): { partitionKey: string; rowKey: string; [k: string]: unknown } {
  return { partitionKey: task.id, rowKey: TASK_ROW, schema: TASK_SCHEMA, kind: task.kind, status: task.status,
    personId: task.personId, createdAt: task.createdAt, data: JSON.stringify(task) };
}

function decodeTask(e: { data: string; schema?: number }): RegisterTask {
  const schema = Number(e.schema ?? 1);
  if (schema > TASK_SCHEMA) throw new Error(`Task entity schema ${schema} is newer than this app understands (${TASK_SCHEMA})`);
  const task = JSON.parse(e.data) as RegisterTask;
  return { ...task, adminCard: task.adminCard ?? null, unreachable: task.unreachable ?? [] };
}
