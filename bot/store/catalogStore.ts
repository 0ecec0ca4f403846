import { odata, type TableClient, type TableEntity, type TransactionAction } from '@azure/data-tables';
import type { CatalogSnapshot, MapRow, ScopeType, Theme } from '../domain/catalog';
import { SCOPE_TYPES, isMandateType, mandateTypeOf, themeExtras } from '../domain/catalog';
import { isStatus, type Tables } from './tables';

/** Logical table name (Tables adds the configured prefix). */
export const CATALOG_TABLE = 'catalog';

/** The catalog as stored: a snapshot and the version it was written as (0 = nothing stored yet). */
export type VersionedCatalog = CatalogSnapshot & { version: number };

/** Someone else changed the catalog first; nothing was written. Reload and try again. */
export class CatalogConflictError extends Error {
  constructor(readonly expectedVersion: number | undefined, readonly actualVersion: number | undefined) {
    super(expectedVersion !== undefined && actualVersion !== undefined
      ? `the catalog is at version ${actualVersion}, not ${expectedVersion}: it was changed meanwhile`
      : 'the catalog was changed by someone else at the same time');
    this.name = 'CatalogConflictError';
  }
}

export interface CatalogStoreOptions {
  /** How long load() may answer from memory; 0 turns the cache off. Default 30 s. */
  cacheMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/*
 * Layout of the table:
 *   meta / current      { version }  the pointer readers follow; flipped with its ETag
 *   meta / sequence     { last }     hands out unique version numbers (ETag-guarded counter)
 *   v000000042 / manifest           { schema, themes, mapRows } written in the first batch
 *   v000000042 / theme-0000001 …    one entity per theme, in snapshot order
 *   v000000042 / map-0000001 …      one entity per map row, in snapshot order
 * A whole snapshot is far more than one 100-entity transaction, so atomicity comes from the pointer: a
 * version becomes visible only when the single pointer entity flips to it.
 */
const META = 'meta';
const POINTER = 'current';
const SEQUENCE = 'sequence';
const MANIFEST = 'manifest';
const SCHEMA = 1;
const MAX_BATCH_ENTITIES = 100;
/** Under the 4 MiB transaction payload limit with room for the multipart envelope. */
const MAX_BATCH_BYTES = 3_500_000;
/** A string property may hold 64 KiB, i.e. 32 K UTF-16 code units. */
const MAX_STRING_LENGTH = 32_000;
const READ_ATTEMPTS = 3;

interface Pointer {
  version: number;
  etag: string;
}

const EMPTY: VersionedCatalog = deepFreeze({ themes: [], map: [], version: 0 });

/**
 * The mandate catalog (themes + valtuuskartta) in Table Storage, replaced all-or-nothing. A replacement
 * writes a new version partition, then flips the pointer conditionally on its ETag, so two imports at
 * once cannot both win and a failed import leaves the current version untouched.
 */
export class CatalogStore {
  private readonly cacheMs: number;
  private readonly now: () => number;
  private cache: { value: VersionedCatalog; at: number } | undefined;
  private inflight: Promise<VersionedCatalog> | undefined;
  /** Bumped by invalidate(), so a read that started before it does not refill the cache. */
  private generation = 0;

  constructor(private readonly tables: Tables, options: CatalogStoreOptions = {}) {
    this.cacheMs = options.cacheMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The current catalog (frozen: do not mutate), from memory. Once the cache is older than cacheMs the cached
   * value is still served while one background check reads the pointer and reloads only if the version
   * changed, so a hot turn never waits for a catalog reload.
   */
  load(): Promise<VersionedCatalog> {
    if (this.cache && this.now() - this.cache.at < this.cacheMs) return Promise.resolve(this.cache.value);
    if (this.cache) {
      const current = this.cache.value;
      this.readOnce(async () => ((await this.readPointer())?.version ?? 0) === current.version ? current : this.readCurrent());
      return Promise.resolve(current);
    }
    return this.readOnce(() => this.readCurrent());
  }

  /** One storage read at a time; its result fills the cache unless invalidate() came in between. */
  private readOnce(reader: () => Promise<VersionedCatalog>): Promise<VersionedCatalog> {
    if (this.inflight) return this.inflight;
    const generation = this.generation;
    const read = reader().then((value) => {
      if (generation === this.generation) this.remember(value);
      return value;
    });
    const settle = (): void => {
      if (this.inflight === read) this.inflight = undefined;
    };
    this.inflight = read;
    read.then(settle, settle);
    return read;
  }

  /** Forgets the cached catalog; the next load() reads storage. */
  invalidate(): void {
    this.generation += 1;
    this.cache = undefined;
    this.inflight = undefined;
  }

  /**
   * Replaces the whole catalog and returns the new version. With expectedVersion (0 = empty store) the
   * replacement happens only if the catalog is still at that version; without it, only if nobody else
   * replaces it while this one is being written. Throws CatalogConflictError when it lost.
   */
  async replace(snapshot: CatalogSnapshot, expectedVersion?: number): Promise<number> {
    checkSnapshot(snapshot);
    const client = this.client();
    const pointer = await this.readPointer();
    const actual = pointer?.version ?? 0;
    if (expectedVersion !== undefined && expectedVersion !== actual) {
      throw new CatalogConflictError(expectedVersion, actual);
    }
    const version = await this.allocateVersion(actual + 1);
    try {
      await writeVersion(client, version, snapshot);
    } catch (err) {
      await deleteVersionQuietly(client, version);
      throw err;
    }
    try {
      const entity = { partitionKey: META, rowKey: POINTER, version, updatedAt: new Date(this.now()).toISOString() };
      if (pointer) await client.updateEntity(entity, 'Replace', { etag: pointer.etag });
      else await client.createEntity(entity);
    } catch (err) {
      if (isStatus(err, 412) || isStatus(err, 409)) {
        await deleteVersionQuietly(client, version);
        throw new CatalogConflictError(expectedVersion, undefined);
      }
      // Any other failure may have flipped the pointer after all, so the new version must stay.
      throw err;
    }
    this.generation += 1;
    this.remember({ ...structuredClone(snapshot), version });
    await pruneQuietly(client, version, actual);
    return version;
  }

  /** Stores the snapshot if the store holds no catalog yet; false when one was already there. */
  async seedIfEmpty(snapshot: CatalogSnapshot): Promise<boolean> {
    if (await this.readPointer()) return false;
    try {
      await this.replace(snapshot, 0);
      return true;
    } catch (err) {
      if (err instanceof CatalogConflictError) return false;
      throw err;
    }
  }

  /**
   * Marks whether the organisation holds a theme (e.g. after DVV granted it) by writing a new version, so
   * there is one way to change the catalog. Returns the version now current (unchanged when it already
   * said so). Throws CatalogConflictError when the catalog is no longer at expectedVersion.
   */
  async setHeldByOrganisation(themeId: string, held: boolean, expectedVersion: number): Promise<number> {
    const current = await this.readCurrent();
    if (current.version !== expectedVersion) throw new CatalogConflictError(expectedVersion, current.version);
    const theme = current.themes.find((t) => t.id === themeId);
    if (!theme) throw new Error(`catalog version ${current.version} has no theme "${themeId}"`);
    if (theme.heldByOrganisation === held) return current.version;
    const next: CatalogSnapshot = {
      themes: current.themes.map((t) => (t.id === themeId ? { ...t, heldByOrganisation: held } : t)),
      map: current.map,
    };
    return this.replace(next, expectedVersion);
  }

  private client(): TableClient {
    return this.tables.client(CATALOG_TABLE);
  }

  private remember(value: VersionedCatalog): void {
    this.cache = { value: deepFreeze(value), at: this.now() };
  }

  private async readPointer(): Promise<Pointer | undefined> {
    try {
      const entity = await this.client().getEntity<Record<string, unknown>>(META, POINTER);
      return { version: integer(entity, 'version'), etag: entity.etag };
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /** Pointer, then the partition it names; a partition pruned mid-read (counts short) is read again. */
  private async readCurrent(): Promise<VersionedCatalog> {
    for (let attempt = 1; ; attempt++) {
      const pointer = await this.readPointer();
      if (!pointer) return EMPTY;
      const snapshot = await readVersion(this.client(), pointer.version);
      if (snapshot) return { ...snapshot, version: pointer.version };
      if (attempt >= READ_ATTEMPTS) throw new Error(`catalog version ${pointer.version} is incomplete in storage`);
    }
  }

  /** A version number nobody else has or will get: the ETag-guarded counter, at least `minimum`. */
  private async allocateVersion(minimum: number): Promise<number> {
    const client = this.client();
    for (let attempt = 0; attempt < 50; attempt++) {
      let last: { value: number; etag: string } | undefined;
      try {
        const entity = await client.getEntity<Record<string, unknown>>(META, SEQUENCE);
        last = { value: integer(entity, 'last'), etag: entity.etag };
      } catch (err) {
        if (!isStatus(err, 404)) throw err;
      }
      const next = Math.max(minimum, (last?.value ?? 0) + 1);
      try {
        const entity = { partitionKey: META, rowKey: SEQUENCE, last: next };
        if (last) await client.updateEntity(entity, 'Replace', { etag: last.etag });
        else await client.createEntity(entity);
        return next;
      } catch (err) {
        if (!isStatus(err, 412) && !isStatus(err, 409)) throw err;
      }
    }
    throw new Error('could not get a catalog version number: too many imports at once');
  }
}

function partitionOf(version: number): string {
  return `v${String(version).padStart(9, '0')}`;
}

function versionOf(partitionKey: string): number | undefined {
  return /^v\d{9}$/.test(partitionKey) ? Number(partitionKey.slice(1)) : undefined;
}

async function writeVersion(client: TableClient, version: number, snapshot: CatalogSnapshot): Promise<void> {
  const partitionKey = partitionOf(version);
  const seq = (i: number): string => String(i + 1).padStart(7, '0');
  const entities: TableEntity[] = [
    // First, so a partition that exists at all can be found (and pruned) by its manifest.
    { partitionKey, rowKey: MANIFEST, schema: SCHEMA, themes: snapshot.themes.length, mapRows: snapshot.map.length },
    ...snapshot.themes.map((t, i) => ({ partitionKey, rowKey: `theme-${seq(i)}`, ...themeProperties(t) })),
    ...snapshot.map.map((r, i) => ({ partitionKey, rowKey: `map-${seq(i)}`, ...mapProperties(r) })),
  ];
  for (const batch of batches(entities)) {
    await client.submitTransaction(batch.map((e): TransactionAction => ['create', e]));
  }
}

async function readVersion(client: TableClient, version: number): Promise<CatalogSnapshot | undefined> {
  const themes: Array<[string, Theme]> = [];
  const map: Array<[string, MapRow]> = [];
  let manifest: Record<string, unknown> | undefined;
  const entities = client.listEntities<Record<string, unknown>>({
    queryOptions: { filter: odata`PartitionKey eq ${partitionOf(version)}` },
  });
  for await (const entity of entities) {
    const rowKey = entity.rowKey ?? '';
    if (rowKey === MANIFEST) manifest = entity;
    else if (rowKey.startsWith('theme-')) themes.push([rowKey, themeFrom(entity)]);
    else if (rowKey.startsWith('map-')) map.push([rowKey, mapRowFrom(entity)]);
  }
  if (!manifest) return undefined;
  if (integer(manifest, 'schema') > SCHEMA) throw new Error(`catalog version ${version} was written by a newer app (schema ${String(manifest.schema)})`);
  if (integer(manifest, 'themes') !== themes.length || integer(manifest, 'mapRows') !== map.length) return undefined;
  const byKey = <T>(a: [string, T], b: [string, T]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  return { themes: themes.sort(byKey).map(([, t]) => t), map: map.sort(byKey).map(([, r]) => r) };
}

/**
 * Deletes version partitions nobody should read any more: older than the new one, except the one it
 * replaced (a reader that followed the pointer a moment ago may still be reading that). Newer versions
 * belong to imports still running and are theirs to clean up. Failures only leave garbage behind.
 */
async function pruneQuietly(client: TableClient, current: number, previous: number): Promise<void> {
  try {
    const manifests = client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`RowKey eq ${MANIFEST}`, select: ['PartitionKey'] },
    });
    const stale: number[] = [];
    for await (const m of manifests) {
      const version = versionOf(m.partitionKey ?? '');
      if (version !== undefined && version < current && version !== previous) stale.push(version);
    }
    for (const version of stale) await deleteVersionQuietly(client, version);
  } catch {
    // Best effort: the next successful replace tries again.
  }
}

async function deleteVersionQuietly(client: TableClient, version: number): Promise<void> {
  const partitionKey = partitionOf(version);
  try {
    const rowKeys: string[] = [];
    const entities = client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${partitionKey}`, select: ['RowKey'] },
    });
    for await (const e of entities) if (e.rowKey) rowKeys.push(e.rowKey);
    // The manifest goes last, so a partition half deleted is still found by the next prune.
    const ordered = [...rowKeys.filter((k) => k !== MANIFEST), ...rowKeys.filter((k) => k === MANIFEST)];
    for (let i = 0; i < ordered.length; i += MAX_BATCH_ENTITIES) {
      await client.submitTransaction(ordered.slice(i, i + MAX_BATCH_ENTITIES)
        .map((rowKey): TransactionAction => ['delete', { partitionKey, rowKey }]));
    }
  } catch {
    // Best effort, as above.
  }
}

/** Groups of ≤100 entities and ≤ MAX_BATCH_BYTES of JSON, in order. */
function batches(entities: readonly TableEntity[]): TableEntity[][] {
  const result: TableEntity[][] = [];
  let current: TableEntity[] = [];
  let bytes = 0;
  for (const entity of entities) {
    const size = Buffer.byteLength(JSON.stringify(entity), 'utf8');
    if (current.length > 0 && (current.length >= MAX_BATCH_ENTITIES || bytes + size > MAX_BATCH_BYTES)) {
      result.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entity);
    bytes += size;
  }
  if (current.length > 0) result.push(current);
  return result;
}

/** LocalizedText is spread into one property per language: each is then well under the 64 KiB limit. */
function themeProperties(t: Theme): Record<string, string | boolean> {
  return {
    id: t.id, name_fi: t.name.fi, name_sv: t.name.sv, name_en: t.name.en, eservice: t.eservice,
    description_fi: t.description.fi, description_sv: t.description.sv, description_en: t.description.en,
    suomifi_code: t.suomiFiCode, held_by_organisation: t.heldByOrganisation, active: t.active,
    eservice_sv: t.eserviceSv ?? '', eservice_en: t.eserviceEn ?? '', mandate_type: mandateTypeOf(t),
    specifier: t.specifier ?? '', instructions_url: t.instructionsUrl ?? '',
  };
}

function mapProperties(r: MapRow): Record<string, string> {
  return { scope_type: r.scopeType, scope: r.scope, theme_id: r.themeId, why_fi: r.why.fi, why_sv: r.why.sv, why_en: r.why.en };
}

function themeFrom(e: Record<string, unknown>): Theme {
  return {
    id: text(e, 'id'),
    name: { fi: text(e, 'name_fi'), sv: text(e, 'name_sv'), en: text(e, 'name_en') },
    eservice: text(e, 'eservice'),
    description: { fi: text(e, 'description_fi'), sv: text(e, 'description_sv'), en: text(e, 'description_en') },
    suomiFiCode: text(e, 'suomifi_code'),
    heldByOrganisation: flag(e, 'held_by_organisation'),
    active: flag(e, 'active'),
    // Versions written before these properties existed read as: same names, asiointivaltuus, no tarkenne, no link.
    ...themeExtras({
      eserviceSv: text(e, 'eservice_sv'),
      eserviceEn: text(e, 'eservice_en'),
      mandateType: isMandateType(e.mandate_type) ? e.mandate_type : 'asiointivaltuus',
      specifier: text(e, 'specifier'),
      instructionsUrl: text(e, 'instructions_url'),
    }),
  };
}

function mapRowFrom(e: Record<string, unknown>): MapRow {
  const scopeType = text(e, 'scope_type');
  if (!(SCOPE_TYPES as readonly string[]).includes(scopeType)) throw new Error(`stored map row has scope_type "${scopeType}"`);
  return {
    scopeType: scopeType as ScopeType,
    scope: text(e, 'scope'),
    themeId: text(e, 'theme_id'),
    why: { fi: text(e, 'why_fi'), sv: text(e, 'why_sv'), en: text(e, 'why_en') },
  };
}

function text(e: Record<string, unknown>, key: string): string {
  const v = e[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new Error(`stored catalog property ${key} is not text`);
  return v;
}

function flag(e: Record<string, unknown>, key: string): boolean {
  const v = e[key];
  if (typeof v !== 'boolean') throw new Error(`stored catalog property ${key} is not a boolean`);
  return v;
}

function integer(e: Record<string, unknown>, key: string): number {
  const v = e[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`stored catalog property ${key} is not a whole number`);
  return v;
}

/** Invariants every stored catalog keeps; breaking one is a bug in the caller, not a user mistake. */
function checkSnapshot(snapshot: CatalogSnapshot): void {
  const ids = new Set<string>();
  for (const theme of snapshot.themes) {
    if (theme.id === '') throw new Error('catalog: a theme has an empty id');
    if (ids.has(theme.id)) throw new Error(`catalog: theme id "${theme.id}" appears twice`);
    ids.add(theme.id);
    for (const value of Object.values(themeProperties(theme))) checkLength(value, theme.id);
  }
  for (const row of snapshot.map) {
    if (!ids.has(row.themeId)) throw new Error(`catalog: map row "${row.scope}" names unknown theme "${row.themeId}"`);
    if (!(SCOPE_TYPES as readonly string[]).includes(row.scopeType)) throw new Error(`catalog: map row has scope type "${row.scopeType}"`);
    for (const value of Object.values(mapProperties(row))) checkLength(value, row.themeId);
  }
}

function checkLength(value: string | boolean, where: string): void {
  if (typeof value === 'string' && value.length > MAX_STRING_LENGTH) {
    throw new Error(`catalog: a text of "${where}" is longer than Table Storage allows (${value.length} > ${MAX_STRING_LENGTH})`);
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
