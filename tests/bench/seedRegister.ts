/**
 * Writes the synthetic register (./registerData.ts) straight into Azurite in the `people` table's row format:
 * going through the app (imports, order confirmations) would take hours for 200,000 entries, and the scenario
 * measures reading them. One transaction per person (a transaction is one partition, and one person is one
 * partition: the entries and the holder's summary), several in flight; then the register's index rows (end dates,
 * theme rosters) in transactions per index partition. The rows are the grant store's own (bulkRows), and the
 * result is read back through TableGrantStore, which fails the bench if they drift.
 */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { TableEntity, TableTransaction } from '@azure/data-tables';
import { mapLimit } from '../../bot/store/mapLimit';
import { Tables } from '../../bot/store/tables';
import { TableGrantStore, bulkRows, type Grant } from '../../bot/store/grantStore';
import { conversationRow } from '../../bot/store/userStore';
import type { ConversationReference } from 'botbuilder';
import { entriesOf, ENTRIES_PER_PERSON, personOfRequest, syntheticPersonId } from './registerData';

/** Transactions in flight: Azurite is one event loop, more only queue there. */
const IN_FLIGHT = 16;

export interface SeedResult {
  /** People whose entries were written (0..people-1): fewer than asked when the time budget ran out. */
  people: number;
  entries: number;
  ms: number;
  /** Whether the time budget stopped the seeding. */
  cut: boolean;
}

/**
 * Seeds people 0..people-1 with ENTRIES_PER_PERSON entries each, stopping early (between transactions) after
 * budgetMs; what was written is always a prefix 0..n-1 of the people, so the rounds only ask those.
 */
export async function seedRegister(connectionString: string, tablePrefix: string, people: number,
  themes: ReadonlyArray<{ id: string; name: string }>, today: string, budgetMs: number,
  progress: (done: number, ms: number) => void): Promise<SeedResult> {
  const tables = new Tables({ kind: 'connectionString', connectionString }, tablePrefix);
  const table = tables.client('people');
  const started = Date.now();
  let next = 0;
  let done = 0;
  let lastReport = started;
  const written: Grant[] = [];
  const worker = async (): Promise<void> => {
    while (next < people && Date.now() - started < budgetMs) {
      const k = next++;
      const entries = entriesOf(k, themes, today);
      const [rows] = bulkRows(entries).holders;
      await table.submitTransaction(rows.map((row): TableTransaction['actions'][number] => ['upsert', row, 'Replace']));
      written.push(...entries);
      done += 1;
      if (Date.now() - lastReport >= 10_000) { lastReport = Date.now(); progress(done, lastReport - started); }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  // Every claimed person finished (a failed transaction rejects the whole seeding), so 0..next-1 are written.
  assert.equal(done, next);
  await writeIndex(tables, bulkRows(written).index);
  const ms = Date.now() - started;
  await checkReadBack(new TableGrantStore(new Tables({ kind: 'connectionString', connectionString }, tablePrefix)), next, themes, today);
  return { people: next, entries: next * ENTRIES_PER_PERSON, ms, cut: next < people };
}

/**
 * The employees have the app installed: each one's conversation reference is stored, as Teams' installation event
 * (or their first message) leaves it — in the users store's own row format (a partition per person: one write each).
 * A turn of someone the bot knows reads that row and writes nothing; without it every turn of the round would be
 * a first contact, which is not what "Omat valtuudet" of employees measures.
 */
export async function seedInstalledUsers(connectionString: string, tablePrefix: string, people: number,
  referenceOf: (personId: string) => Partial<ConversationReference>): Promise<{ people: number; ms: number }> {
  const started = Date.now();
  const tables = new Tables({ kind: 'connectionString', connectionString }, tablePrefix);
  const table = tables.client('users');
  const ids = Array.from({ length: people }, (_, k) => syntheticPersonId(k));
  await mapLimit(ids, IN_FLIGHT, (id) => table.upsertEntity(conversationRow(id, referenceOf(id)), 'Merge'));
  return { people, ms: Date.now() - started };
}

/** The index rows, grouped by partition into transactions of up to 100 rows, several in flight. */
async function writeIndex(tables: Tables, rows: ReadonlyArray<TableEntity<Record<string, unknown>>>): Promise<void> {
  const byPartition = new Map<string, Array<TableEntity<Record<string, unknown>>>>();
  for (const row of rows) {
    const list = byPartition.get(row.partitionKey) ?? [];
    byPartition.set(row.partitionKey, list);
    list.push(row);
  }
  const batches: Array<Array<TableEntity<Record<string, unknown>>>> = [];
  for (const list of byPartition.values()) for (let i = 0; i < list.length; i += 100) batches.push(list.slice(i, i + 100));
  const index = tables.client('registerIndex');
  // Roster rows are large: a batch of them is split so one request stays under the 4 MiB transaction limit.
  await mapLimit(batches.flatMap((b) => (String(b[0].partitionKey).startsWith('roster|') ? b.map((r) => [r]) : [b])), IN_FLIGHT,
    (batch) => index.submitTransaction(batch.map((row): TableTransaction['actions'][number] => ['upsert', row, 'Replace'])));
}

/** The first, a middle and the last person read back through the store equal what was written. */
async function checkReadBack(store: TableGrantStore, people: number, themes: ReadonlyArray<{ id: string; name: string }>, today: string): Promise<void> {
  for (const k of new Set([0, Math.floor(people / 2), people - 1].filter((x) => x >= 0))) {
    const written = entriesOf(k, themes, today);
    const read = await store.listFor(written[0].subjectId);
    const key = (g: Grant) => `${g.themeId}|${g.validFrom}`;
    const sorted = [...written].sort((a, b) => key(a).localeCompare(key(b)));
    if (!isDeepStrictEqual(read.sort((a, b) => key(a).localeCompare(key(b))), sorted)) {
      throw new Error(`seeded register rows of person ${k} read back differently: ${JSON.stringify(read).slice(0, 400)}`);
    }
  }
}

/**
 * One person's entries read through the store, one read at a time and no app: what Azurite alone takes per
 * partition query at this size. Azurite 3.35 answers a query by running its filter over every row of the table
 * (LokiTableMetadataStore.queryTableEntities: `.chain().where(fn)`, no partition index), so this grows with the
 * whole `people` table; Table Storage reads one partition. It tells the app's cost from the emulator's.
 */
export async function timePartitionReads(connectionString: string, tablePrefix: string, people: number, reads: number): Promise<{ p50: number; max: number }> {
  const store = new TableGrantStore(new Tables({ kind: 'connectionString', connectionString }, tablePrefix));
  const ms: number[] = [];
  for (let i = 0; i < reads; i++) {
    const started = performance.now();
    const entries = await store.listFor(syntheticPersonId(personOfRequest(1_000_000 + i, people)));
    ms.push(performance.now() - started);
    assert.equal(entries.length, ENTRIES_PER_PERSON);
  }
  ms.sort((a, b) => a - b);
  return { p50: Math.round(ms[Math.floor(ms.length / 2)]), max: Math.round(ms[ms.length - 1]) };
}
