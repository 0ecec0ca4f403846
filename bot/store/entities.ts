/** Table/key design, in one place. Every hot query names a PartitionKey. */
export const TABLES = ['orders', 'orderIndex', 'people', 'users', 'counters', 'outboxIndex', 'catalog', 'directory', 'registerIndex'] as const;

/** orders: PartitionKey = order id; the order, its audit events and its outbox messages share the partition,
 * so a state change, its audit event and its notifications commit in one transaction. The outbox rows (and the
 * outboxIndex pointers) are laid out in outboxRows.ts. */
export const ORDER_ROW = 'order';
export const auditRowKey = (at: string, seq: number): string => `audit|${at}|${String(seq).padStart(3, '0')}`;

/**
 * people: PartitionKey = a person's object id. Everything the bot answers about one person in one query:
 * pointers to their orders (RowKey `order|<id>`, as requester and/or subject, with a status summary) and the
 * register of mandates they hold (RowKey `grant|<themeId>|<validFrom>`; rows written before the register had a
 * history use `grant|<themeId>` and keep loading — grantStore.ts owns the format).
 */
export const personOrderKey = (orderId: string): string => `order|${orderId}`;
/** The schema 1 key of a register entry (one per holder and theme), still read and migrated on rewrite. */
export const personGrantKey = (themeId: string): string => `grant|${safeKey(themeId)}`;
/** The key of one register entry: a holder may hold a theme several times over time, one entry per start date. */
export const personGrantEntryKey = (themeId: string, validFrom: string): string => `grant|${safeKey(themeId)}|${safeKey(validFrom)}`;
/**
 * The holder's register summary in their `people` partition: every entry of the holder in one row, written in the
 * same transaction as the entries (so "Omat valtuudet" is one point read). Sorts before `grant|` and outside its range.
 */
export const GRANT_SUMMARY_KEY = 'grants';
export const ORDER_ROW_PREFIX = 'order|';
export const GRANT_ROW_PREFIX = 'grant|';

/**
 * orderIndex partitions: `num|<year>` (RowKey = order number; carries the status, so the open orders of recent
 * years are one partition query each), `theme|<themeId>` (orders waiting for DVV on that theme) and
 * `lead|<Monday>` (RowKey = order number: the order's lines granted in that ISO week, for the reports tab's lead
 * times; RowKey LEAD_SUMMARY_KEY: the closed week's summary), with the mark LEADS_INDEXED (partition `meta`) once
 * the orders written before the `lead|` rows existed have theirs.
 */
export const indexPartition = {
  number: (year: number | string): string => `num|${year}`,
  theme: (themeId: string): string => `theme|${themeId}`,
  lead: (week: string): string => `lead|${week}`,
};
/** The row of a `lead|<week>` partition holding the closed week's summary (sorts after every order number). */
export const LEAD_SUMMARY_KEY = '~week';
export const LEADS_INDEXED = { partitionKey: 'meta', rowKey: 'leadsIndexed' } as const;

/** Characters Table Storage forbids in keys. */
export function safeKey(value: string): string {
  return value.replace(/[\\/#?\u0000-\u001f\u007f]/g, '_');
}

/** Upper bound of a RowKey prefix range (for ge/lt queries). */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/**
 * registerIndex: the register's read paths other than "by holder" (grantStore.ts / registerIndex.ts own the rows).
 * `end|<YYYY-MM-DD>` (RowKey `<holder>|<theme>|<validFrom>`): the entries by end date, one partition per day, for the
 * daily sweep (a day's partition stays small: Azurite looks a row up by scanning its partition);
 * `roster|<themeId>` (RowKey = shard `00`..`15`): the holders of a theme with their periods, for the administrators'
 * search; `meta/indexed`: written once the index covers every entry (old registers are backfilled first).
 */
export const registerIndexKeys = {
  end: (validUntil: string): string => `end|${safeKey(validUntil)}`,
  endRow: (subjectId: string, themeId: string, validFrom: string): string => `${safeKey(subjectId)}|${safeKey(themeId)}|${safeKey(validFrom)}`,
  roster: (themeId: string): string => `roster|${safeKey(themeId)}`,
  /** The roster partition's row of the theme's search view of a day (GrantStore.themeView). */
  THEME_VIEW: 'view',
  /** The roster partition's row of the theme's reports tab view of a day (GrantStore.themeReports). */
  REPORT_VIEW: 'report',
  META: 'meta',
  INDEXED: 'indexed',
  /** META's row: the last day the renewal step went through completely (GrantStore.sweepCursor). */
  RENEWAL_SWEPT: 'renewalSwept',
  /** The holders written since the renewal step last looked: one row per holder (GrantStore.writtenHolders). */
  WRITTEN: 'written',
  writtenRow: (subjectId: string): string => safeKey(subjectId),
};
