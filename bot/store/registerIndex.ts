/**
 * The register's index rows (table `registerIndex`, keys in entities.ts): what the daily sweep and the
 * administrators' search read instead of scanning every holder's partition. The holder's partition in `people`
 * (entries + summary, one transaction) stays the truth; these rows are derived from it:
 * - an end-date row per entry (`end|<YYYY-MM-DD>`) carries a copy of the entry. It is written `pending` BEFORE the
 *   holder's transaction and confirmed after it with its own ETag, so a confirmed row always equals the committed
 *   entry (any later change of that entry first marks it pending again, and a confirm fails when someone else
 *   touched the row in between); a pending row — a crash, a lost race — is checked against the holder's summary.
 * - a roster per theme, in ROSTER_SHARDS rows by holder: each holder's periods of that theme with the summary's
 *   version, replaced only by a newer version (state, not deltas: re-applying is harmless). Written after the
 *   holder's transaction; a crash in between leaves that holder's part behind until their next write or a reindex.
 */
import type { TableEntity } from '@azure/data-tables';
import { registerIndexKeys } from './entities';

/** Rows per theme roster: a holder's write rewrites one of them, and a search reads them all at once. */
export const ROSTER_SHARDS = 16;

/** Characters per string property: Table Storage allows 32K UTF-16 characters (64 KiB) in one. */
const CHUNK = 30_000;
/** Properties a chunked value may use: 30 × 30K characters × 2 bytes stays under the 1 MiB entity limit. */
const MAX_CHUNKS = 30;

/** A long JSON value spread over properties `<prefix>0..n`. */
export function chunked(prefix: string, json: string): Record<string, string> {
  const parts = Math.max(1, Math.ceil(json.length / CHUNK));
  if (parts > MAX_CHUNKS) throw new Error(`register row too large (${json.length} characters in ${prefix}*)`);
  const out: Record<string, string> = {};
  for (let i = 0; i < parts; i++) out[`${prefix}${i}`] = json.slice(i * CHUNK, (i + 1) * CHUNK);
  return out;
}

/** The JSON value of chunked properties (in order `<prefix>0`, `<prefix>1`, …). */
export function unchunked(prefix: string, entity: Record<string, unknown>): string {
  let json = '';
  for (let i = 0; typeof entity[`${prefix}${i}`] === 'string'; i++) json += entity[`${prefix}${i}`] as string;
  return json;
}

/** One period of a holder in a theme roster: [validFrom, validUntil, revokedAt or ''] (compact: a roster holds thousands). */
export type RosterPeriod = [string, string, string];
/** A holder's part of a roster: the summary version it was taken from, and the holder's periods of the theme. */
export interface RosterPart { v: number; p: RosterPeriod[] }
/** A roster shard's holders: object id → part. */
export type RosterShard = Record<string, RosterPart>;

/** The shard of a holder (FNV-1a of the object id): stable, spread evenly. */
export function rosterShardOf(subjectId: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < subjectId.length; i++) h = Math.imul(h ^ subjectId.charCodeAt(i), 0x01000193) >>> 0;
  return String(h % ROSTER_SHARDS).padStart(2, '0');
}

export function rosterRow(themeId: string, shard: string, holders: RosterShard): TableEntity<Record<string, unknown>> {
  return { partitionKey: registerIndexKeys.roster(themeId), rowKey: shard, ...chunked('h', JSON.stringify(holders)) };
}

export function rosterFromEntity(entity: Record<string, unknown>): RosterShard {
  const json = unchunked('h', entity);
  return json ? JSON.parse(json) as RosterShard : {};
}

/** The ISO dates from one to another, both included (calendar days on UTC midnights: no daylight saving). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`); t <= end; t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}
