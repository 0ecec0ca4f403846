import { odata, type TableClient, type TableTransaction } from '@azure/data-tables';
import type { Tables } from './tables';
import { isStatus } from './tables';
import { safeKey } from './entities';
import { mapLimit } from './mapLimit';

/**
 * What the register's directory sweep remembers between runs, in the `directory` table: the cursor of the last
 * read (Graph's deltaLink, or the organisation file's stamp) and, per person, the role, manager and account state
 * seen then. Graph's delta sends only what changed, and a changed organisation file is a whole new list, so this
 * snapshot is what a change is compared with ("moved from where", "was enabled before").
 *
 * Rows: PartitionKey `state`, RowKey `cursor`; PartitionKey `p|<two hex digits of a hash of the id>` (a spread that
 * keeps writes batched: 100 rows a transaction), RowKey = the object id.
 */
export const DIRECTORY_TABLE = 'directory';

export interface PersonSnapshot {
  id: string;
  displayName: string;
  department: string;
  serviceArea: string;
  jobTitle: string;
  managerId: string | null;
  accountEnabled: boolean;
  /** Gone from the directory (deleted, or no longer in the organisation file). */
  gone: boolean;
  leaveDate?: string;
}

interface SnapshotEntity {
  displayName: string;
  department: string;
  serviceArea: string;
  jobTitle: string;
  managerId: string;
  accountEnabled: boolean;
  gone: boolean;
  leaveDate?: string;
}

const STATE = 'state';
const CURSOR = 'cursor';
const PREFIX = 'p|';
/** One of 256 partitions by a hash of the id (not its first characters: ids made by a tool may share them). */
function partitionOf(id: string): string {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return PREFIX + ((h >>> 0) & 0xff).toString(16).padStart(2, '0');
}

export class DirectoryStateStore {
  private readonly table: TableClient;
  constructor(tables: Tables) { this.table = tables.client(DIRECTORY_TABLE); }

  /** The cursor of the last completed read, or undefined before the first (the baseline). */
  async cursor(): Promise<string | undefined> {
    try {
      return String((await this.table.getEntity<{ cursor: string }>(STATE, CURSOR)).cursor);
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /** Written last, after the snapshot and the tasks: a run that fails before it reads the same changes again. */
  async saveCursor(cursor: string, at: Date): Promise<void> {
    await this.table.upsertEntity({ partitionKey: STATE, rowKey: CURSOR, cursor, at: at.toISOString() }, 'Replace');
  }

  /** The remembered people among `ids` (point reads, a few at a time). */
  async getMany(ids: readonly string[]): Promise<Map<string, PersonSnapshot>> {
    const found = await mapLimit([...new Set(ids)], 16, async (id) => {
      try {
        return fromEntity(id, await this.table.getEntity<SnapshotEntity>(partitionOf(id), safeKey(id)));
      } catch (err) {
        if (isStatus(err, 404)) return undefined;
        throw err;
      }
    });
    return new Map(found.filter((s): s is PersonSnapshot => s !== undefined).map((s) => [s.id, s]));
  }

  /** Everyone remembered (a whole new organisation file is compared with this). */
  async listAll(): Promise<Map<string, PersonSnapshot>> {
    const out = new Map<string, PersonSnapshot>();
    const filter = odata`PartitionKey ge ${PREFIX} and PartitionKey lt ${'p}'}`;
    for await (const e of this.table.listEntities<SnapshotEntity & { rowKey: string; id?: string }>({ queryOptions: { filter } })) {
      const id = String(e.id ?? e.rowKey);
      out.set(id, fromEntity(id, e));
    }
    return out;
  }

  /** Records people as seen now (upserts, 100 a transaction per partition, a few partitions at a time). */
  async putMany(people: readonly PersonSnapshot[]): Promise<void> {
    const byPartition = new Map<string, PersonSnapshot[]>();
    for (const p of people) {
      const key = partitionOf(p.id);
      const list = byPartition.get(key) ?? [];
      list.push(p);
      byPartition.set(key, list);
    }
    const batches: Array<[string, PersonSnapshot[]]> = [];
    for (const [partition, list] of byPartition) {
      for (let i = 0; i < list.length; i += 100) batches.push([partition, list.slice(i, i + 100)]);
    }
    await mapLimit(batches, 8, async ([partition, list]) => {
      const actions: TableTransaction['actions'] = list.map((p) => ['upsert', toEntity(partition, p), 'Replace']);
      await this.table.submitTransaction(actions);
    });
  }
}

function toEntity(partitionKey: string, p: PersonSnapshot) {
  return { partitionKey, rowKey: safeKey(p.id), id: p.id, displayName: p.displayName, department: p.department, serviceArea: p.serviceArea,
    jobTitle: p.jobTitle, managerId: p.managerId ?? '', accountEnabled: p.accountEnabled, gone: p.gone, ...(p.leaveDate ? { leaveDate: p.leaveDate } : {}) };
}

function fromEntity(id: string, e: SnapshotEntity): PersonSnapshot {
  return { id, displayName: String(e.displayName ?? ''), department: String(e.department ?? ''), serviceArea: String(e.serviceArea ?? ''),
    jobTitle: String(e.jobTitle ?? ''), managerId: e.managerId ? String(e.managerId) : null, accountEnabled: e.accountEnabled === true,
    gone: e.gone === true, ...(e.leaveDate ? { leaveDate: String(e.leaveDate) } : {}) };
}
