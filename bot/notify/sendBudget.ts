import type { TableClient } from '@azure/data-tables';
import { isStatus, type Tables } from '../store/tables';

/** The app-wide sending budget every dispatcher instance draws from before each message. */
export interface SendBudget {
  /** Waits until this instance may send one more message. */
  take(): Promise<void>;
  /** Everyone (every instance) waits at least this long: a 429's Retry-After applies to the whole app. */
  pause(ms: number): Promise<void>;
}

export interface SharedBudgetOptions {
  /** Messages per second for the whole app (Teams: 30 per app and tenant). */
  perSecond?: number;
  /** Tokens asked for in one round trip (fewer when less is left). */
  batch?: number;
  /** A granted token not used within this time is dropped, so a grant's sends all fall in [grant, grant + validity). */
  validityMs?: number;
  /** Extra room for clock skew between instances and network jitter between sending and arriving. */
  marginMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface BudgetRow { grants: Array<[number, number]>; pausedUntil: number; etag?: string }

/**
 * One sending budget for all instances, kept in one Table Storage row (counters / sendBudget / app) that lists
 * the recent grants as [time, tokens]. An instance takes a batch of tokens with one ETag-guarded update and
 * spends them locally; it may spend them only within `validityMs`. A grant is allowed while all grants in the
 * last `1000 + validityMs + marginMs` ms stay within `perSecond`: every send happens within `validityMs` of its
 * grant, so any one-second window of sends (as the connector sees them, give or take `marginMs` of skew and
 * jitter) holds at most `perSecond` messages. The price is a lower sustained rate (30 per 1.35 s ≈ 22/s with the
 * defaults) — Teams answers 429 when the limit is passed, and that would cost more.
 */
export class TableSendBudget implements SendBudget {
  private readonly table: TableClient;
  private readonly perSecond: number;
  private readonly batch: number;
  private readonly validityMs: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Tokens of the current local grant and when they lapse. */
  private tokens = 0;
  private lapsesAt = 0;
  /** The row as last read or written (a pause tries its ETag first). */
  private known: BudgetRow | undefined;
  /** Concurrent take() calls in this process share one grant request. */
  private granting: Promise<void> | undefined;

  static readonly PARTITION = 'sendBudget';
  static readonly ROW = 'app';

  constructor(tables: Tables, o: SharedBudgetOptions = {}) {
    this.table = tables.client('counters');
    this.perSecond = o.perSecond ?? 30;
    this.batch = o.batch ?? 5;
    this.validityMs = o.validityMs ?? 200;
    this.windowMs = 1000 + this.validityMs + (o.marginMs ?? 150);
    this.now = o.now ?? (() => Date.now());
    this.sleep = o.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
  }

  async take(): Promise<void> {
    for (;;) {
      if (this.tokens > 0 && this.now() < this.lapsesAt) { this.tokens -= 1; return; }
      this.granting ??= this.grant().finally(() => { this.granting = undefined; });
      await this.granting;
    }
  }

  async pause(ms: number): Promise<void> {
    const until = this.now() + ms;
    this.tokens = 0;
    for (let attempt = 0; attempt < 10; attempt++) {
      const row = this.known ?? await this.read();
      if (row.pausedUntil >= until) return;
      if (await this.write({ ...row, pausedUntil: until })) return;
      this.known = undefined;
    }
  }

  /** Gets a batch of tokens, waiting while the window is full or the app is paused. */
  private async grant(): Promise<void> {
    for (;;) {
      const row = this.known ?? await this.read();
      const now = this.now();
      if (row.pausedUntil > now) { this.known = undefined; await this.sleep(Math.min(row.pausedUntil - now, 1000)); continue; }
      const recent = row.grants.filter(([at]) => at > now - this.windowMs);
      const used = recent.reduce((sum, [, n]) => sum + n, 0);
      const n = Math.min(this.batch, this.perSecond - used);
      if (n <= 0) {
        // Full: wait until the oldest grant leaves the window, then look again (another instance may have written).
        this.known = undefined;
        // A little jitter so the instances do not all ask at the same instant.
        await this.sleep(Math.max(5, Math.min(...recent.map(([at]) => at)) + this.windowMs - now) + Math.floor(Math.random() * 15));
        continue;
      }
      if (await this.write({ ...row, grants: [...recent, [now, n]] })) {
        this.tokens = n;
        this.lapsesAt = now + this.validityMs;
        // Fairness: the next grant starts with a fresh read like everyone else's, or the last writer (who alone
        // holds the current ETag) would win every race for the budget and the other instances would starve.
        this.known = undefined;
        return;
      }
      this.known = undefined; // someone else wrote first: read again
    }
  }

  private async read(): Promise<BudgetRow> {
    try {
      const e = await this.table.getEntity<{ grants?: string; pausedUntil?: number }>(TableSendBudget.PARTITION, TableSendBudget.ROW);
      return { grants: parseGrants(e.grants), pausedUntil: Number(e.pausedUntil ?? 0), etag: String(e.etag) };
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
      return { grants: [], pausedUntil: 0 };
    }
  }

  /** Writes the row if nobody changed it since it was read; false when someone did. */
  private async write(row: BudgetRow): Promise<boolean> {
    const entity = { partitionKey: TableSendBudget.PARTITION, rowKey: TableSendBudget.ROW, grants: JSON.stringify(row.grants), pausedUntil: row.pausedUntil };
    try {
      const r = row.etag
        ? await this.table.updateEntity(entity, 'Replace', { etag: row.etag })
        : await this.table.createEntity(entity);
      this.known = { ...row, etag: String(r.etag) };
      return true;
    } catch (err) {
      if (isStatus(err, 412) || isStatus(err, 409) || isStatus(err, 404)) return false;
      throw err;
    }
  }
}

function parseGrants(raw: string | undefined): Array<[number, number]> {
  if (!raw) return [];
  try {
    const v = JSON.parse(raw) as unknown;
    return Array.isArray(v) ? v.filter((g): g is [number, number] => Array.isArray(g) && typeof g[0] === 'number' && typeof g[1] === 'number') : [];
  } catch {
    return [];
  }
}
