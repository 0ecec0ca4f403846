import type { Logger } from 'pino';
import { runRegisterSweep, type SweepDeps, type SweepReport } from '../services/registerSweep';
import { helsinkiDate } from '../domain/workdays';

export interface RegisterSweepJobOptions {
  deps: SweepDeps & { tasks: { claimSweep(day: string): Promise<boolean>; releaseSweep(day: string): Promise<void> } };
  log: Logger;
  /** How often to look whether today's sweep is due (default 15 min). */
  intervalMs?: number;
}

/**
 * Runs the register's sweep once a day, after REGISTER_SWEEP_HOUR (Helsinki time). One instance takes the day
 * (a marker row); a sweep that fails gives the day back, so the next look retries. The steps are idempotent, so
 * the marker only saves work; correctness does not depend on it.
 */
export class RegisterSweepJob {
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly o: RegisterSweepJobOptions) {}

  start(): void {
    const tick = () => { void this.runIfDue().catch((err: unknown) => this.o.log.warn({ err: (err as Error).message }, 'register sweep failed')); };
    this.timer = setInterval(tick, this.o.intervalMs ?? 15 * 60_000);
    this.timer.unref();
    setTimeout(tick, 10_000).unref();
  }

  stop(): void { if (this.timer) clearInterval(this.timer); }

  /** Today's sweep if it is due and no instance has run it; undefined when not. */
  async runIfDue(): Promise<SweepReport | undefined> {
    const { deps } = this.o;
    const now = deps.now();
    const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Helsinki', hour: '2-digit', hour12: false }).format(now));
    if (hour < deps.config.register.sweepHour) return undefined;
    const day = helsinkiDate(now);
    if (!(await deps.tasks.claimSweep(day))) return undefined;
    try {
      const report = await runRegisterSweep(deps);
      this.o.log.info({ today: report.today, steps: report.steps }, 'register sweep done');
      return report;
    } catch (err) {
      await deps.tasks.releaseSweep(day).catch(() => undefined);
      throw err;
    }
  }
}
