import { odata, type TableClient, type TableEntity, type TableTransaction } from '@azure/data-tables';
import { isStatus, type Tables } from './tables';
import { GRANT_ROW_PREFIX, GRANT_SUMMARY_KEY, personGrantKey, personGrantEntryKey, prefixEnd, registerIndexKeys } from './entities';
import { mapLimit } from './mapLimit';
import { ROSTER_SHARDS, chunked, daysBetween, rosterFromEntity, rosterRow, rosterShardOf, unchunked, type RosterPart, type RosterPeriod, type RosterShard } from './registerIndex';

/** Where a register entry came from: a confirmed order line, a row of an imported spreadsheet, or (later) a review. */
export type GrantSource =
  | { kind: 'order'; orderId: string; orderNumber?: string }
  | { kind: 'import'; file: string; row: number }
  | { kind: 'review'; reviewId: string };

/**
 * One entry of the register: who holds which theme, from when until when, granted by whom. Several entries of one
 * holder and theme follow each other over time (a renewal is a new entry that starts where the old one ends).
 */
export interface Grant {
  subjectId: string;
  themeId: string;
  /** The theme's Finnish name when the entry was recorded. */
  themeName: string;
  /** ISO dates (YYYY-MM-DD); the mandate is valid on both days. */
  validFrom: string;
  validUntil: string;
  /** The granting administrator's object id, or the name written in an imported file. */
  grantedBy: string;
  /** The order's id; '' for an entry that did not come from an order. */
  orderId: string;
  /** When the entry was recorded (ISO instant). */
  grantedAt: string;
  /** Absent on rows written before the register had sources: those all came from orders (see orderId). */
  source?: GrantSource;
  note?: string;
  /** Set when an administrator recorded the mandate as revoked (mitätöity) in Suomi.fi. */
  revokedAt?: string;
  revokedBy?: string;
}

export interface GrantStore {
  /** The holder's entries, oldest start first. */
  listFor(subjectId: string): Promise<Grant[]>;
  /** Every entry of every holder (a scan: for an operator's export and a reindex, never for a turn). */
  listAll(): Promise<Grant[]>;
  /** Records an entry; recording the same holder, theme and start again replaces it (idempotent). */
  put(grant: Grant): Promise<void>;
  /** Records entries (one transaction per holder). */
  putMany(grants: readonly Grant[]): Promise<void>;
  /** Every entry whose last day is from `from` to `to` (ISO dates, both included): what the daily sweep looks at. */
  listEndingBetween(from: string, to: string): Promise<Grant[]>;
  /** Every entry whose last day is one of `days` (ISO dates): the renewal step of an ordinary day. */
  listEndingOn(days: readonly string[]): Promise<Grant[]>;
  /** The holders of a theme with their periods of it (the theme's roster), for the administrators' search. */
  themeHolders(themeId: string): Promise<ThemeHolder[]>;
  /**
   * The rosters of these themes at once (the reports tab's coverage and expiring entries), or of every theme with a
   * roster: one query over the roster partitions' key range instead of a point read per theme and shard, holders
   * in no particular order.
   */
  rosters(themeIds?: readonly string[]): Promise<Map<string, ThemeHolder[]>>;
  /**
   * Every holder with the periods of every theme they hold or held, from the rosters (not a scan of every entry):
   * what the review step looks through to find whose round is due. A roster can lag its holder's last write by a
   * crash (see registerIndex.ts); a full reindex catches it up.
   */
  allHolders(): Promise<Map<string, Array<ThemeHolder['periods'][number] & { themeId: string }>>>;
  /**
   * The holders whose entries were written since the renewal step last looked (an import, a grant, a revocation):
   * their entries may have lead days that passed before they were recorded. Each comes with the row's version, so
   * `forgetWritten` keeps a holder written again meanwhile.
   */
  writtenHolders(): Promise<WrittenHolder[]>;
  forgetWritten(holders: readonly WrittenHolder[]): Promise<void>;
  /**
   * A theme's search view as last saved, with whether a write touched the theme since (`stale`); the search
   * service decides what it holds and whether it is still good for its day.
   */
  themeView(themeId: string): Promise<ThemeView | undefined>;
  /** Saves the view unless the theme was written since `etag` was read (then the next search computes it again). */
  saveThemeView(themeId: string, day: string, json: string, etag: string | undefined): Promise<void>;
  /**
   * The reports tab's view of each of these themes as last saved (row `report` beside the search view, marked stale
   * by the same roster writes), in one range read over the roster partitions; themes without one are left out.
   */
  themeReports(themeIds: readonly string[]): Promise<Map<string, ThemeView>>;
  /** The same rows without their views (day, stale, ETag: a few bytes each), to tell which views a reader already holds. */
  themeReportStates(themeIds: readonly string[]): Promise<Map<string, Omit<ThemeView, 'json'>>>;
  /** One theme's report view (a point read). */
  themeReport(themeId: string): Promise<ThemeView | undefined>;
  /**
   * Saves a theme's report view unless the theme was written since `etag` was read (as saveThemeView); the saved
   * row's ETag, or undefined when it was not saved.
   */
  saveThemeReport(themeId: string, day: string, json: string, etag: string | undefined): Promise<string | undefined>;
  /** The last day the renewal step went through completely, and recording it (never moved back). */
  sweepCursor(): Promise<string | undefined>;
  saveSweepCursor(day: string): Promise<void>;
}

/** A theme's saved search view (see GrantStore.themeView). */
export interface ThemeView { day: string; stale: boolean; json: string; etag: string }

/** A holder written since the renewal step last looked (see GrantStore.writtenHolders). */
export interface WrittenHolder { subjectId: string; etag: string }

/** A holder of a theme as its roster knows them: enough for counts by state and a row per period. */
export interface ThemeHolder {
  subjectId: string;
  periods: Array<{ validFrom: string; validUntil: string; revokedAt?: string }>;
}

/**
 * The register's row format, in one place. It lives in the `people` table: PartitionKey = the holder's object id,
 * RowKey = `grant|<theme id>|<valid from>` (schema 2). Rows written before entries had a history use
 * `grant|<theme id>` (schema 1, no `schema` field); they keep loading, and a rewrite of the same entry (same theme
 * and start, e.g. an outbox retry of registerGrant) moves it to the new key in one transaction.
 *
 * Beside the entries, the holder's summary row (`grants`) holds a copy of every entry row of the partition and a
 * version; each write commits the entries and the summary in one transaction, the summary guarded by its ETag, so
 * the two never disagree and "Omat valtuudet" is one point read (a partition query costs a scan of the whole table
 * in Azurite, and a range read in Table Storage). A holder without a summary (rows written before it existed) is
 * read with the partition query once and gets one, created only if still absent. The index rows for the sweep and
 * the search (registerIndex.ts) are derived from the same write.
 */
const SCHEMA = 2;

interface GrantEntity {
  themeId: string;
  themeName: string;
  validFrom: string;
  validUntil: string;
  grantedBy: string;
  orderId: string;
  grantedAt: string;
  schema?: number;
  /** The source as JSON (absent on schema 1 rows). */
  source?: string;
  note?: string;
  revokedAt?: string;
  revokedBy?: string;
}

/** An entry row as the summary copies it; `legacy` marks a schema 1 row (key `grant|<theme>`). */
type StoredEntry = GrantEntity & { legacy?: true };

/** The summary as read: its entries (every row, a migrated pair included), version and ETag. */
interface Summary { version: number; entries: StoredEntry[]; etag?: string }

/** Entry rows per transaction: each may come with the delete of its schema 1 row, plus the summary (≤ 100 actions). */
const ENTRIES_PER_TRANSACTION = 49;
/** Attempts when another writer changed the holder's summary between our read and our commit. */
const WRITE_ATTEMPTS = 8;
/** The longest window read through the end-date index (one query per day); a longer one scans the entries. */
const MAX_INDEXED_WINDOW_DAYS = 400;
/** Point reads in flight when the sweep checks pending index rows, or a reindex walks the holders. */
const CONCURRENT_READS = 16;

/** A saved view row (search or report) as read. */
function viewOf(e: Record<string, unknown> & { etag: string }): ThemeView {
  return { day: typeof e.day === 'string' ? e.day : '', stale: e.stale === true, json: unchunked('j', e), etag: e.etag };
}

/** A roster shard's holders with their periods (revokedAt only where set). */
function themeHoldersOf(holders: RosterShard): ThemeHolder[] {
  return Object.entries(holders).map(([subjectId, part]) => ({ subjectId,
    periods: part.p.map(([validFrom, validUntil, revokedAt]) => (revokedAt ? { validFrom, validUntil, revokedAt } : { validFrom, validUntil })) }));
}

export interface GrantStoreOptions {
  /** Called between a holder's committed transaction and its index rows' confirmation (tests simulate a crash there). */
  afterCommit?: (subjectId: string) => Promise<void>;
}

export class TableGrantStore implements GrantStore {
  private readonly table: TableClient;
  private readonly index: TableClient;
  /** Set once the index row `meta/indexed` was seen: the backfill is done for good. */
  private indexed = false;
  constructor(tables: Tables, private readonly options: GrantStoreOptions = {}) {
    this.table = tables.client('people');
    this.index = tables.client('registerIndex');
  }

  async listFor(subjectId: string): Promise<Grant[]> {
    const summary = await this.readSummary(subjectId);
    if (summary) return sortEntries(dropMigrated(summary.entries.map((e) => grantFromEntity(subjectId, e))));
    const entries = await this.queryEntries(subjectId);
    await this.createMissingSummary(subjectId, entries);
    return sortEntries(dropMigrated(entries.map((e) => grantFromEntity(subjectId, e))));
  }

  /**
   * Every entry of every holder: a scan of the whole `people` table's `grant|` rows. For an operator's export,
   * never for a turn.
   */
  async listAll(): Promise<Grant[]> {
    const out: Grant[] = [];
    const filter = odata`RowKey ge ${GRANT_ROW_PREFIX} and RowKey lt ${prefixEnd(GRANT_ROW_PREFIX)}`;
    for await (const e of this.table.listEntities<GrantEntity & { partitionKey: string }>({ queryOptions: { filter } })) {
      out.push(grantFromEntity(e.partitionKey, e));
    }
    return sortEntries(dropMigrated(out));
  }

  /**
   * The entries ending in a window, from the end-date index: one partition query per day of the window. Confirmed
   * rows are the entries themselves; a pending row is checked against its holder's summary (the entry as committed,
   * if it still ends in the window). A register written before the index existed is backfilled first, once.
   */
  async listEndingBetween(from: string, to: string): Promise<Grant[]> {
    if (from > to) return [];
    // A window of years (a catch-up "since ever") is one scan rather than thousands of day partitions.
    if ((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 >= MAX_INDEXED_WINDOW_DAYS) return (await this.listAll()).filter((g) => g.validUntil >= from && g.validUntil <= to);
    return this.listEndingOn(daysBetween(from, to));
  }

  async listEndingOn(days: readonly string[]): Promise<Grant[]> {
    await this.ensureIndexed();
    const wanted = new Set(days);
    const found = new Map<string, Grant>();
    const pending = new Map<string, Set<string>>();
    for (const day of [...wanted].sort()) {
      const filter = odata`PartitionKey eq ${registerIndexKeys.end(day)}`;
      for await (const e of this.index.listEntities<GrantEntity & { subjectId: string; pending?: boolean }>({ queryOptions: { filter } })) {
        if (e.pending) pending.set(e.subjectId, (pending.get(e.subjectId) ?? new Set()).add(entryKey(e)));
        else found.set(`${e.subjectId}|${entryKey(e)}`, grantFromEntity(e.subjectId, e));
      }
    }
    await mapLimit([...pending], CONCURRENT_READS, async ([subjectId, keys]) => {
      for (const g of await this.listFor(subjectId)) {
        if (keys.has(entryKey(g)) && wanted.has(g.validUntil)) found.set(`${subjectId}|${entryKey(g)}`, g);
      }
    });
    return sortEntries([...found.values()]);
  }

  async writtenHolders(): Promise<WrittenHolder[]> {
    const filter = odata`PartitionKey eq ${registerIndexKeys.WRITTEN}`;
    const out: WrittenHolder[] = [];
    for await (const e of this.index.listEntities<{ subjectId: string }>({ queryOptions: { filter } })) {
      if (typeof e.subjectId === 'string' && e.etag) out.push({ subjectId: e.subjectId, etag: e.etag });
    }
    return out;
  }

  async forgetWritten(holders: readonly WrittenHolder[]): Promise<void> {
    await mapLimit(holders, CONCURRENT_READS, async ({ subjectId, etag }) => {
      try {
        await this.index.deleteEntity(registerIndexKeys.WRITTEN, registerIndexKeys.writtenRow(subjectId), { etag });
      } catch (err) {
        // Written again since it was read (412: the next sweep looks again), or already forgotten by another sweep.
        if (!isStatus(err, 412) && !isStatus(err, 404)) throw err;
      }
    });
  }

  async themeView(themeId: string): Promise<ThemeView | undefined> {
    try {
      return viewOf(await this.index.getEntity<Record<string, unknown>>(registerIndexKeys.roster(themeId), registerIndexKeys.THEME_VIEW));
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  async saveThemeView(themeId: string, day: string, json: string, etag: string | undefined): Promise<void> {
    await this.saveView(themeId, registerIndexKeys.THEME_VIEW, day, json, etag);
  }

  async themeReports(themeIds: readonly string[]): Promise<Map<string, ThemeView>> {
    // One query over the roster partitions' key range for the `report` rows (as rosters(): cheaper than a point read per theme in Azurite).
    const prefix = registerIndexKeys.roster('');
    const wanted = new Map(themeIds.map((id) => [registerIndexKeys.roster(id), id]));
    const out = new Map<string, ThemeView>();
    const filter = odata`PartitionKey ge ${prefix} and PartitionKey lt ${prefixEnd(prefix)} and RowKey eq ${registerIndexKeys.REPORT_VIEW}`;
    for await (const e of this.index.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      const themeId = wanted.get(String(e.partitionKey));
      if (themeId !== undefined) out.set(themeId, viewOf(e));
    }
    return out;
  }

  async themeReportStates(themeIds: readonly string[]): Promise<Map<string, Omit<ThemeView, 'json'>>> {
    const prefix = registerIndexKeys.roster('');
    const wanted = new Map(themeIds.map((id) => [registerIndexKeys.roster(id), id]));
    const out = new Map<string, Omit<ThemeView, 'json'>>();
    const filter = odata`PartitionKey ge ${prefix} and PartitionKey lt ${prefixEnd(prefix)} and RowKey eq ${registerIndexKeys.REPORT_VIEW}`;
    for await (const e of this.index.listEntities<Record<string, unknown>>({ queryOptions: { filter, select: ['PartitionKey', 'day', 'stale'] } })) {
      const themeId = wanted.get(String(e.partitionKey));
      if (themeId !== undefined && e.etag) out.set(themeId, { day: typeof e.day === 'string' ? e.day : '', stale: e.stale === true, etag: e.etag });
    }
    return out;
  }

  async themeReport(themeId: string): Promise<ThemeView | undefined> {
    try {
      return viewOf(await this.index.getEntity<Record<string, unknown>>(registerIndexKeys.roster(themeId), registerIndexKeys.REPORT_VIEW));
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  async saveThemeReport(themeId: string, day: string, json: string, etag: string | undefined): Promise<string | undefined> {
    return this.saveView(themeId, registerIndexKeys.REPORT_VIEW, day, json, etag);
  }

  private async saveView(themeId: string, rowKey: string, day: string, json: string, etag: string | undefined): Promise<string | undefined> {
    const row = { partitionKey: registerIndexKeys.roster(themeId), rowKey, day, stale: false, ...chunked('j', json) };
    try {
      return (etag ? await this.index.updateEntity(row, 'Replace', { etag }) : await this.index.createEntity(row)).etag;
    } catch (err) {
      // A holder of the theme was written meanwhile (its roster write marks the view stale): not saved, computed again next time.
      if (!isStatus(err, 412) && !isStatus(err, 409)) throw err;
      return undefined;
    }
  }

  async sweepCursor(): Promise<string | undefined> {
    try {
      const e = await this.index.getEntity<{ day?: unknown }>(registerIndexKeys.META, registerIndexKeys.RENEWAL_SWEPT);
      return typeof e.day === 'string' ? e.day : undefined;
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  async saveSweepCursor(day: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      let etag: string | undefined;
      try {
        const e = await this.index.getEntity<{ day?: unknown }>(registerIndexKeys.META, registerIndexKeys.RENEWAL_SWEPT);
        if (typeof e.day === 'string' && e.day >= day) return;
        etag = e.etag;
      } catch (err) {
        if (!isStatus(err, 404)) throw err;
      }
      const row = { partitionKey: registerIndexKeys.META, rowKey: registerIndexKeys.RENEWAL_SWEPT, day, at: new Date().toISOString() };
      try {
        await this.replaceOrCreate(row, etag);
        return;
      } catch (err) {
        // Another instance recorded its day in between: read again (never move the cursor back).
        if ((isStatus(err, 412) || isStatus(err, 409)) && attempt < WRITE_ATTEMPTS) continue;
        throw err;
      }
    }
  }

  async themeHolders(themeId: string): Promise<ThemeHolder[]> {
    await this.ensureIndexed();
    const shards = await Promise.all(Array.from({ length: ROSTER_SHARDS }, (_, i) => this.readRoster(themeId, String(i).padStart(2, '0'))));
    const out = shards.flatMap(({ holders }) => themeHoldersOf(holders));
    return out.sort((a, b) => (a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0));
  }

  async rosters(themeIds?: readonly string[]): Promise<Map<string, ThemeHolder[]>> {
    await this.ensureIndexed();
    // 44 themes × 16 shards are 704 point reads; Azurite scans a table per point read, so one range query is far
    // cheaper there, and Table Storage serves a PartitionKey range of adjacent partitions as one scan as well.
    const prefix = registerIndexKeys.roster('');
    const wanted = themeIds && new Map(themeIds.map((id) => [registerIndexKeys.roster(id), id]));
    const out = new Map<string, ThemeHolder[]>((themeIds ?? []).map((id) => [id, []]));
    const filter = odata`PartitionKey ge ${prefix} and PartitionKey lt ${prefixEnd(prefix)} and RowKey ne ${registerIndexKeys.THEME_VIEW} and RowKey ne ${registerIndexKeys.REPORT_VIEW}`;
    for await (const e of this.index.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      const partition = String(e.partitionKey);
      const themeId = wanted ? wanted.get(partition) : partition.slice(prefix.length);
      if (themeId === undefined) continue;
      const list = out.get(themeId) ?? [];
      out.set(themeId, list);
      list.push(...themeHoldersOf(rosterFromEntity(e)));
    }
    return out;
  }

  async allHolders(): Promise<Map<string, Array<ThemeHolder['periods'][number] & { themeId: string }>>> {
    const out = new Map<string, Array<ThemeHolder['periods'][number] & { themeId: string }>>();
    for (const [themeId, holders] of await this.rosters()) {
      for (const h of holders) {
        const list = out.get(h.subjectId) ?? [];
        out.set(h.subjectId, list);
        for (const p of h.periods) list.push({ ...p, themeId });
      }
    }
    return out;
  }

  async put(grant: Grant): Promise<void> {
    await this.putMany([grant]);
  }

  /**
   * Records entries, one holder at a time: each holder's entries and summary in one transaction (at most
   * ENTRIES_PER_TRANSACTION entries per transaction, each possibly with the delete of its schema 1 row).
   */
  async putMany(grants: readonly Grant[]): Promise<void> {
    const byHolder = new Map<string, Grant[]>();
    for (const g of grants) byHolder.set(g.subjectId, [...(byHolder.get(g.subjectId) ?? []), g]);
    for (const [subjectId, entries] of byHolder) await this.writeHolder(subjectId, entries, false);
  }

  /**
   * Builds the index rows of a register written before they existed (every holder with entries: summary, end-date
   * rows, rosters), then marks the index complete. Idempotent; runs by itself before the first indexed read, and
   * `npm run register -- reindex` runs it again (e.g. after a restore). Returns the number of holders.
   */
  async reindex(): Promise<number> {
    const holders = [...new Set((await this.listAll()).map((g) => g.subjectId))];
    await mapLimit(holders, CONCURRENT_READS, (subjectId) => this.writeHolder(subjectId, [], true));
    await this.index.upsertEntity({ partitionKey: registerIndexKeys.META, rowKey: registerIndexKeys.INDEXED, at: new Date().toISOString(), holders: holders.length }, 'Replace');
    this.indexed = true;
    return holders.length;
  }

  private async ensureIndexed(): Promise<void> {
    if (this.indexed) return;
    try {
      await this.index.getEntity(registerIndexKeys.META, registerIndexKeys.INDEXED);
      this.indexed = true;
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
      await this.reindex();
    }
  }

  /**
   * One holder's write (the protocol in registerIndex.ts): read the summary → mark the end-date rows of the
   * changed entries pending → commit entries + summary (ETag) → confirm those rows, drop the ones of a moved end
   * date → update the rosters. `all` re-derives the index rows of every entry (a reindex; `grants` empty).
   */
  private async writeHolder(subjectId: string, grants: readonly Grant[], all: boolean): Promise<void> {
    // Before the commit, so no committed entry escapes the renewal step's next look (a failed write leaves a
    // harmless row: the step reads the holder's register and finds nothing new).
    if (grants.length) await this.index.upsertEntity({ partitionKey: registerIndexKeys.WRITTEN, rowKey: registerIndexKeys.writtenRow(subjectId), subjectId }, 'Replace');
    for (let attempt = 1; ; attempt++) {
      const current = await this.readSummary(subjectId) ?? { version: 0, entries: await this.queryEntries(subjectId) };
      const plan = planWrite(subjectId, current, grants, all);
      const marks = await this.markPending(subjectId, plan.touched, plan.moved);
      try {
        await this.commit(subjectId, current, plan);
      } catch (err) {
        if ((isStatus(err, 412) || isStatus(err, 409)) && attempt < WRITE_ATTEMPTS) continue;
        throw err;
      }
      await this.options.afterCommit?.(subjectId);
      // Independent of each other: the end-date rows and the rosters.
      await Promise.all([this.confirm(marks), this.updateRosters(subjectId, plan.version, plan.entries, plan.themes)]);
      return;
    }
  }

  private async commit(subjectId: string, current: Summary, plan: WritePlan): Promise<void> {
    let etag = current.etag;
    for (let i = 0; i < plan.batches.length; i++) {
      const last = i === plan.batches.length - 1;
      const version = current.version + i + 1;
      const summary = summaryRow(subjectId, last ? plan.version : version, plan.afterBatch[i]);
      const actions: TableTransaction['actions'] = [...plan.batches[i],
        etag ? ['update', summary, 'Replace', { etag }] : ['create', summary]];
      const response = await this.table.submitTransaction(actions);
      etag = response.subResponses.find((r) => r.rowKey === GRANT_SUMMARY_KEY)?.etag ?? (await this.readSummary(subjectId))?.etag;
    }
  }

  /**
   * Before the commit: the end-date rows of the entries being written, as they will be, pending; and the rows of
   * their old end dates marked pending (so no confirmed row can outlive a change). Returns what to do after it.
   */
  private async markPending(subjectId: string, touched: readonly StoredEntry[], moved: readonly StoredEntry[]): Promise<Array<{ key: RowRef; etag: string; drop: boolean }>> {
    const marks = await mapLimit([...touched.map((e) => ({ e, drop: false })), ...moved.map((e) => ({ e, drop: true }))], CONCURRENT_READS, async ({ e, drop }) => {
      const key = endRowRef(subjectId, e);
      // A dropped row keeps (or gets) the keys that name its entry, so a reader can check it whatever happens next.
      const row = drop ? { ...key, subjectId, themeId: e.themeId, validFrom: e.validFrom, validUntil: e.validUntil, pending: true }
        : { ...key, ...withoutLegacy(e), subjectId, pending: true };
      const { etag } = await this.index.upsertEntity(row, drop ? 'Merge' : 'Replace');
      return { key, etag: etag ?? '', drop };
    });
    return marks;
  }

  /** After the commit: confirm our pending rows unless another writer touched them since; drop rows of a moved end. */
  private async confirm(marks: ReadonlyArray<{ key: RowRef; etag: string; drop: boolean }>): Promise<void> {
    await mapLimit(marks, CONCURRENT_READS, async ({ key, etag, drop }) => {
      try {
        if (drop) await this.index.deleteEntity(key.partitionKey, key.rowKey, { etag });
        else await this.index.updateEntity({ ...key, pending: false }, 'Merge', { etag });
      } catch (err) {
        // Another writer marked the row since: it stays pending (checked on read) until that writer confirms it.
        if (!isStatus(err, 412) && !isStatus(err, 404)) throw err;
      }
    });
  }

  /** The holder's part of each roster it touches, replaced when ours is newer (ETag retry on the shard). */
  private async updateRosters(subjectId: string, version: number, entries: readonly StoredEntry[], themes: ReadonlySet<string>): Promise<void> {
    const shard = rosterShardOf(subjectId);
    const kept = dropMigrated(entries.map((e) => grantFromEntity(subjectId, e)));
    await Promise.all([...themes].map(async (themeId) => {
      const part: RosterPart = { v: version, p: kept.filter((g) => g.themeId === themeId).sort((a, b) => a.validFrom.localeCompare(b.validFrom))
        .map((g): RosterPeriod => [g.validFrom, g.validUntil, g.revokedAt ?? '']) };
      for (let attempt = 1; ; attempt++) {
        const { holders, etag } = await this.readRoster(themeId, shard);
        if ((holders[subjectId]?.v ?? -1) >= version) break;
        holders[subjectId] = part;
        try {
          const row = rosterRow(themeId, shard, holders);
          await this.replaceOrCreate(row, etag);
          break;
        } catch (err) {
          if ((isStatus(err, 412) || isStatus(err, 409)) && attempt < WRITE_ATTEMPTS) continue;
          throw err;
        }
      }
      // After the roster: a search or report view computed from the roster before this write can no longer be saved
      // (its ETag changes here), and one saved before is stale. Both rows in one transaction (one partition).
      const partitionKey = registerIndexKeys.roster(themeId);
      await this.index.submitTransaction([registerIndexKeys.THEME_VIEW, registerIndexKeys.REPORT_VIEW]
        .map((rowKey): TableTransaction['actions'][number] => ['upsert', { partitionKey, rowKey, stale: true }, 'Merge']));
    }));
  }

  /** An index row written under the ETag it was read with, or created when it was absent (412 / 409: someone was first). */
  private async replaceOrCreate(row: TableEntity<Record<string, unknown>>, etag: string | undefined): Promise<void> {
    if (etag) await this.index.updateEntity(row, 'Replace', { etag });
    else await this.index.createEntity(row);
  }

  private async readRoster(themeId: string, shard: string): Promise<{ holders: RosterShard; etag?: string }> {
    try {
      const e = await this.index.getEntity<Record<string, unknown>>(registerIndexKeys.roster(themeId), shard);
      return { holders: rosterFromEntity(e), etag: e.etag };
    } catch (err) {
      if (isStatus(err, 404)) return { holders: {} };
      throw err;
    }
  }

  private async readSummary(subjectId: string): Promise<Summary | undefined> {
    try {
      const e = await this.table.getEntity<Record<string, unknown>>(subjectId, GRANT_SUMMARY_KEY);
      return { version: Number(e.version) || 0, entries: JSON.parse(unchunked('e', e) || '[]') as StoredEntry[], etag: e.etag };
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /** The holder's entry rows by partition query (a holder without a summary yet), schema 1 rows marked. */
  private async queryEntries(subjectId: string): Promise<StoredEntry[]> {
    const out: StoredEntry[] = [];
    const filter = odata`PartitionKey eq ${subjectId} and RowKey ge ${GRANT_ROW_PREFIX} and RowKey lt ${prefixEnd(GRANT_ROW_PREFIX)}`;
    for await (const e of this.table.listEntities<GrantEntity>({ queryOptions: { filter } })) {
      const stored = storedOf(e);
      out.push(e.rowKey === personGrantKey(e.themeId) ? { ...stored, legacy: true } : stored);
    }
    return out;
  }

  /**
   * The summary of a holder read without one. Created only if still absent: a writer that got there first wrote
   * its own (with the entries it committed), and that one stands.
   */
  private async createMissingSummary(subjectId: string, entries: StoredEntry[]): Promise<void> {
    try {
      await this.table.createEntity(summaryRow(subjectId, 0, entries));
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
    }
  }
}

interface RowRef { partitionKey: string; rowKey: string }

/** What one holder's write commits: the entry actions in batches, the summary after each batch, and its index work. */
interface WritePlan {
  batches: Array<TableTransaction['actions']>;
  afterBatch: StoredEntry[][];
  /** The summary's version after the write. */
  version: number;
  /** The holder's entries after the write. */
  entries: StoredEntry[];
  /** The entries whose end-date rows are (re)written; those whose end date moved away from the old row. */
  touched: StoredEntry[];
  moved: StoredEntry[];
  /** The themes whose rosters get the holder's new part. */
  themes: Set<string>;
}

function planWrite(subjectId: string, current: Summary, grants: readonly Grant[], all: boolean): WritePlan {
  let entries = [...current.entries];
  const batches: Array<TableTransaction['actions']> = [];
  const afterBatch: StoredEntry[][] = [];
  const touched: StoredEntry[] = [];
  const moved: StoredEntry[] = [];
  for (let i = 0; i < grants.length; i += ENTRIES_PER_TRANSACTION) {
    const actions: TableTransaction['actions'] = [];
    for (const g of grants.slice(i, i + ENTRIES_PER_TRANSACTION)) {
      const next = grantToEntity({ ...g, subjectId });
      const key = entryKey(next);
      const before = entries.filter((e) => entryKey(e) === key);
      // The same entry in the old format (same theme and start): replaced by the new row, not kept beside it.
      if (before.some((e) => e.legacy)) actions.push(['delete', { partitionKey: subjectId, rowKey: personGrantKey(g.themeId) }]);
      for (const old of before) if (old.validUntil !== next.validUntil) moved.push(old);
      entries = [...entries.filter((e) => entryKey(e) !== key), next];
      touched.push(next);
      actions.push(['upsert', grantRow({ ...g, subjectId }), 'Replace']);
    }
    batches.push(actions);
    afterBatch.push(entries);
  }
  if (!batches.length) { batches.push([]); afterBatch.push(entries); }
  if (all) touched.push(...dedupe(entries));
  const themes = new Set((all ? entries : touched).map((e) => e.themeId));
  return { batches, afterBatch, version: current.version + batches.length, entries, touched: dedupe(touched), moved, themes };
}

/** One entry per theme and start (the later recorded wins, as on read). */
function dedupe(entries: readonly StoredEntry[]): StoredEntry[] {
  const seen = new Map<string, StoredEntry>();
  for (const e of entries) {
    const prior = seen.get(entryKey(e));
    if (!prior || e.grantedAt >= prior.grantedAt) seen.set(entryKey(e), e);
  }
  return [...seen.values()];
}

const entryKey = (e: { themeId: string; validFrom: string }): string => `${e.themeId}|${e.validFrom}`;

function endRowRef(subjectId: string, e: StoredEntry): RowRef {
  return { partitionKey: registerIndexKeys.end(e.validUntil), rowKey: registerIndexKeys.endRow(subjectId, e.themeId, e.validFrom) };
}

function withoutLegacy(e: StoredEntry): GrantEntity {
  const { legacy: _legacy, ...rest } = e;
  return rest;
}

/** An entry row's fields as the summary keeps them (the SDK's keys and metadata left out). */
function storedOf(e: GrantEntity): StoredEntry {
  const { themeId, themeName, validFrom, validUntil, grantedBy, orderId, grantedAt, schema, source, note, revokedAt, revokedBy } = e;
  const out: StoredEntry = { themeId, themeName, validFrom, validUntil, grantedBy, orderId, grantedAt };
  if (schema !== undefined) out.schema = schema;
  if (source !== undefined) out.source = source;
  if (note) out.note = note;
  if (revokedAt) out.revokedAt = revokedAt;
  if (revokedBy) out.revokedBy = revokedBy;
  return out;
}

/** The holder's summary row: a copy of every entry row of the partition, and the write's version. */
function summaryRow(subjectId: string, version: number, entries: readonly StoredEntry[]): TableEntity<Record<string, unknown>> {
  return { partitionKey: subjectId, rowKey: GRANT_SUMMARY_KEY, version, count: entries.length, ...chunked('e', JSON.stringify(entries)) };
}

/**
 * The rows a bulk loader writes for holders none of whose entries exist yet (the bench's seeding): per holder the
 * entry rows and the summary (one transaction), the confirmed end-date rows, and the rosters' rows, plus the
 * `indexed` mark. The same formats as the store's own writes.
 */
export function bulkRows(grants: readonly Grant[]): { holders: Array<Array<TableEntity<Record<string, unknown>>>>; index: Array<TableEntity<Record<string, unknown>>> } {
  const byHolder = new Map<string, Grant[]>();
  for (const g of grants) {
    const list = byHolder.get(g.subjectId) ?? [];
    byHolder.set(g.subjectId, list);
    list.push(g);
  }
  const holders: Array<Array<TableEntity<Record<string, unknown>>>> = [];
  const index: Array<TableEntity<Record<string, unknown>>> = [];
  const rosters = new Map<string, Map<string, RosterShard>>();
  for (const [subjectId, entries] of byHolder) {
    const stored = entries.map((g) => grantToEntity(g));
    holders.push([...entries.map(grantRow), summaryRow(subjectId, 1, stored)]);
    for (const e of stored) {
      index.push({ ...endRowRef(subjectId, e), ...e, subjectId, pending: false });
      const shards = rosters.get(e.themeId) ?? new Map<string, RosterShard>();
      rosters.set(e.themeId, shards);
      const shard = shards.get(rosterShardOf(subjectId)) ?? {};
      shards.set(rosterShardOf(subjectId), shard);
      const part = shard[subjectId] ??= { v: 1, p: [] };
      part.p.push([e.validFrom, e.validUntil, e.revokedAt ?? '']);
    }
  }
  for (const [themeId, shards] of rosters) for (const [shard, holdersOf] of shards) index.push(rosterRow(themeId, shard, holdersOf));
  index.push({ partitionKey: registerIndexKeys.META, rowKey: registerIndexKeys.INDEXED, holders: byHolder.size });
  return { holders, index };
}

/** A register entry from its entity in the `people` table (schema 1 or 2). */
export function grantFromEntity(subjectId: string, e: GrantEntity | Omit<Grant, 'subjectId'>): Grant {
  const grant: Grant = { subjectId, themeId: e.themeId, themeName: e.themeName, validFrom: e.validFrom, validUntil: e.validUntil,
    grantedBy: e.grantedBy, orderId: e.orderId, grantedAt: e.grantedAt };
  const raw = e as GrantEntity;
  const source = typeof raw.source === 'string' ? parseSource(raw.source) : undefined;
  grant.source = source ?? (e.orderId ? { kind: 'order', orderId: e.orderId } : undefined);
  if (!grant.source) delete grant.source;
  if (raw.note) grant.note = raw.note;
  if (raw.revokedAt) grant.revokedAt = raw.revokedAt;
  if (raw.revokedBy) grant.revokedBy = raw.revokedBy;
  return grant;
}

/** A register entry as its `people` row (schema 2 key and fields): what the store writes, and a bulk loader may write. */
export function grantRow(g: Grant): TableEntity<Record<string, unknown>> {
  return { partitionKey: g.subjectId, rowKey: personGrantEntryKey(g.themeId, g.validFrom), ...grantToEntity(g) };
}

function grantToEntity(g: Grant): GrantEntity {
  const e: GrantEntity = { themeId: g.themeId, themeName: g.themeName, validFrom: g.validFrom, validUntil: g.validUntil,
    grantedBy: g.grantedBy, orderId: g.orderId, grantedAt: g.grantedAt, schema: SCHEMA };
  if (g.source) e.source = JSON.stringify(g.source);
  if (g.note) e.note = g.note;
  if (g.revokedAt) e.revokedAt = g.revokedAt;
  if (g.revokedBy) e.revokedBy = g.revokedBy;
  return e;
}

function parseSource(json: string): GrantSource | undefined {
  try {
    const value = JSON.parse(json) as GrantSource;
    return typeof value === 'object' && value !== null && typeof value.kind === 'string' ? value : undefined;
  } catch (err) {
    // A hand-edited or damaged field: the entry still loads (its orderId, if any, names the source).
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/**
 * A schema 1 row and a schema 2 row for the same holder, theme and start are one entry (a crash between the two
 * writes cannot leave both — they share a transaction — but a hand-copied row could): the later recorded one wins.
 */
function dropMigrated(entries: Grant[]): Grant[] {
  const seen = new Map<string, Grant>();
  for (const g of entries) {
    const key = `${g.subjectId}|${g.themeId}|${g.validFrom}`;
    const prior = seen.get(key);
    if (!prior || g.grantedAt >= prior.grantedAt) seen.set(key, g);
  }
  return [...seen.values()];
}

function sortEntries(entries: Grant[]): Grant[] {
  return entries.sort((a, b) => a.subjectId.localeCompare(b.subjectId) || a.themeId.localeCompare(b.themeId) || a.validFrom.localeCompare(b.validFrom));
}
