import type { Tables } from '../store/tables';
import { SendBudgetRow, type BudgetRow } from '../store/sendBudgetRow';

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
  /** Send slots claimed in one round trip. */
  batch?: number;
  /** A slot not used within this time after it begins is dropped (a late send could crowd the next second). */
  lateMs?: number;
  /** Extra room for clock skew between instances and network jitter between sending and arriving. */
  marginMs?: number;
  /** Slots are not claimed further ahead than this (an idle or dying instance wastes at most that much). */
  aheadMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * One sending budget for all instances, kept in one Table Storage row (counters / sendBudget / slots): the
 * time of the next free send slot. Slots are `spacing` = (1000 + lateMs + marginMs) / perSecond ms apart
 * (36 ms, 27.8/s with the defaults). An instance claims `batch` consecutive slots with one ETag-guarded
 * update and sends each message in its own slot: not before the slot, and not later than `lateMs` after it
 * (a slot missed is dropped). So a send arriving at the connector lies within `lateMs + marginMs` after its
 * slot, and any one-second window at the connector holds sends of slots from a stretch of
 * 1000 + lateMs + marginMs = perSecond × spacing ms: at most `perSecond` of them, whatever the number of
 * instances. The earlier design granted bursts of tokens valid for 200 ms and so had to count every grant
 * for 1.35 s (≈ 22/s); spreading the claimed slots lets a batch be large while the late margin stays small.
 */
export class TableSendBudget implements SendBudget {
  private readonly row: SendBudgetRow;
  private readonly batch: number;
  private readonly lateMs: number;
  private readonly spacing: number;
  private readonly aheadMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** The start times of this instance's claimed slots, earliest first. */
  private slots: number[] = [];
  /** A pause seen or made here: slots before it are not used, even those of a claim that was under way. */
  private pausedUntil = 0;
  /** The row as last read or written (a claim tries its ETag first and reads again only when it is stale). */
  private known: BudgetRow | undefined;
  /** Concurrent take() calls in this process share one claim. */
  private claiming: Promise<void> | undefined;

  constructor(tables: Tables, o: SharedBudgetOptions = {}) {
    this.row = new SendBudgetRow(tables);
    const perSecond = o.perSecond ?? 30;
    this.batch = o.batch ?? 10;
    this.lateMs = o.lateMs ?? 20;
    this.spacing = (1000 + this.lateMs + (o.marginMs ?? 60)) / perSecond;
    this.aheadMs = o.aheadMs ?? 1000;
    this.now = o.now ?? (() => Date.now());
    this.sleep = o.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
  }

  async take(): Promise<void> {
    for (;;) {
      const now = this.now();
      while (this.slots.length > 0 && (this.slots[0] + this.lateMs < now || this.slots[0] < this.pausedUntil)) this.slots.shift();
      const slot = this.slots.shift();
      // Claim the next batch while this one is being spent, so a busy sender does not wait a round trip per batch.
      if (this.slots.length < this.batch / 2) this.claimAhead();
      if (slot === undefined) {
        await this.claiming;
        continue;
      }
      if (slot > now) await this.sleep(slot - now);
      if (this.now() <= slot + this.lateMs) return;
    }
  }

  async pause(ms: number): Promise<void> {
    const until = this.now() + ms;
    this.slots = [];
    this.pausedUntil = Math.max(this.pausedUntil, until);
    for (let attempt = 0; attempt < 10; attempt++) {
      const row = this.known ?? await this.read();
      if (row.pausedUntil >= until) return;
      if (await this.write({ ...row, pausedUntil: until, next: Math.max(row.next, until) })) return;
      this.known = undefined;
    }
  }

  /**
   * Starts a claim unless one is under way. A failed claim rejects only the take() calls waiting for it;
   * a claim started ahead of need that fails is tried again by the next take().
   */
  private claimAhead(): void {
    if (this.claiming) return;
    const claim = this.claim().finally(() => { this.claiming = undefined; });
    claim.catch(() => undefined);
    this.claiming = claim;
  }

  /** Claims `batch` slots from the first free one, waiting while the app is paused or the slots run far ahead. */
  private async claim(): Promise<void> {
    for (;;) {
      const row = this.known ?? await this.read();
      const now = this.now();
      const start = Math.max(row.next, row.pausedUntil, now);
      if (start > now + this.aheadMs) {
        // Others hold the slots of the coming second: look again when ours could begin (another may have paused).
        this.known = undefined;
        await this.sleep(Math.min(start - now - this.aheadMs, 1000) + Math.floor(Math.random() * 15));
        continue;
      }
      const slots = Array.from({ length: this.batch }, (_, i) => start + i * this.spacing);
      if (await this.write({ ...row, next: start + this.batch * this.spacing })) {
        this.slots = [...this.slots, ...slots];
        return;
      }
      this.known = undefined; // someone else wrote first: read again
    }
  }

  private async read(): Promise<BudgetRow> {
    return this.row.read();
  }

  /** Writes the row if nobody changed it since it was read; false when someone did. */
  private async write(row: BudgetRow): Promise<boolean> {
    this.known = await this.row.write(row);
    return this.known !== undefined;
  }
}
