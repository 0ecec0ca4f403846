import { odata, type TableClient, type TableEntity, type TableTransaction } from '@azure/data-tables';
import type { Tables } from './tables';
import { GRANT_ROW_PREFIX, personGrantKey, personGrantEntryKey, prefixEnd } from './entities';

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
  /** Records an entry; recording the same holder, theme and start again replaces it (idempotent). */
  put(grant: Grant): Promise<void>;
  /** Records entries (one transaction per holder). */
  putMany(grants: readonly Grant[]): Promise<void>;
  /** Every entry whose last day is from `from` to `to` (ISO dates, both included): what the daily sweep looks at. */
  listEndingBetween(from: string, to: string): Promise<Grant[]>;
}

/**
 * The register's row format, in one place. It lives in the `people` table: PartitionKey = the holder's object id,
 * RowKey = `grant|<theme id>|<valid from>` (schema 2). Rows written before entries had a history use
 * `grant|<theme id>` (schema 1, no `schema` field); they keep loading, and a rewrite of the same entry (same theme
 * and start, e.g. an outbox retry of registerGrant) moves it to the new key in one transaction.
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

export class TableGrantStore implements GrantStore {
  private readonly table: TableClient;
  constructor(tables: Tables) { this.table = tables.client('people'); }

  async listFor(subjectId: string): Promise<Grant[]> {
    const out: Grant[] = [];
    const filter = odata`PartitionKey eq ${subjectId} and RowKey ge ${GRANT_ROW_PREFIX} and RowKey lt ${prefixEnd(GRANT_ROW_PREFIX)}`;
    for await (const e of this.table.listEntities<GrantEntity>({ queryOptions: { filter } })) out.push(grantFromEntity(subjectId, e));
    return sortEntries(dropMigrated(out));
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
   * The entries ending in a window. This first version filters a scan of every entry (as listAll); an index by
   * end date replaces it so the daily sweep reads only the window.
   */
  async listEndingBetween(from: string, to: string): Promise<Grant[]> {
    return (await this.listAll()).filter((g) => g.validUntil >= from && g.validUntil <= to);
  }

  async put(grant: Grant): Promise<void> {
    await this.putMany([grant]);
  }

  /**
   * Records entries, one transaction per holder (all or nothing for each person; at most 50 entries a holder per
   * transaction, each possibly with the delete of its schema 1 row).
   */
  async putMany(grants: readonly Grant[]): Promise<void> {
    const byHolder = new Map<string, Grant[]>();
    for (const g of grants) byHolder.set(g.subjectId, [...(byHolder.get(g.subjectId) ?? []), g]);
    for (const [subjectId, entries] of byHolder) {
      const legacy = await this.legacyRows(subjectId, entries);
      for (let i = 0; i < entries.length; i += 50) {
        const actions: TableTransaction['actions'] = [];
        for (const g of entries.slice(i, i + 50)) {
          actions.push(['upsert', grantRow({ ...g, subjectId }), 'Replace']);
          // The same entry in the old format (same theme and start): replaced by the new row, not kept beside it.
          if (legacy.has(g.themeId + '|' + g.validFrom)) actions.push(['delete', { partitionKey: subjectId, rowKey: personGrantKey(g.themeId) }]);
        }
        await this.table.submitTransaction(actions);
      }
    }
  }

  /** The entries (theme|validFrom) among these that exist as schema 1 rows. */
  private async legacyRows(subjectId: string, entries: readonly Grant[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const themeId of new Set(entries.map((g) => g.themeId))) {
      try {
        const e = await this.table.getEntity<GrantEntity>(subjectId, personGrantKey(themeId));
        if (entries.some((g) => g.themeId === themeId && g.validFrom === e.validFrom)) found.add(themeId + '|' + e.validFrom);
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode !== 404) throw err;
      }
    }
    return found;
  }
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
