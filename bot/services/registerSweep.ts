/**
 * The register's daily sweep: renewal reminders and expiries, leavers and movers from the directory, reviews and
 * their reminders, overdue tasks. Every step is idempotent and catches up (it acts on "due on or before today and
 * not yet done", recorded by markers or task state), so running it twice — two instances, a restart, the
 * operator's `npm run register -- sweep` — changes nothing the second time, and a missed day is made good by the
 * next run.
 */
import type { Deps } from './deps';
import { helsinkiDate, type IsoDate } from '../domain/workdays';
import { renewalSweep } from './renewalSweep';
import { directorySweep } from './directorySweep';
import { reviewSweep } from './reviewSweep';
import { searchViewsSweep } from './registerSearch';
import { reportViewsSweep } from './reportViews';

/** What a sweep step reads and writes. */
export type SweepDeps = Pick<Deps, 'config' | 'directory' | 'directoryState' | 'grants' | 'tasks' | 'reviews' | 'orders' | 'catalog' | 'now' | 'kick'>;

/** One step's counts, named for the operator (e.g. { reminders: 12, expired: 3 }). */
export type SweepCounts = Record<string, number>;

export type SweepStep = (deps: SweepDeps, today: IsoDate) => Promise<SweepCounts>;

/** The steps, in the order they run (leavers before reviews: a leaver is not asked about; the search's and the reports tab's views of the day last). */
export const SWEEP_STEPS: ReadonlyArray<{ name: string; run: SweepStep }> = [
  { name: 'renewal', run: renewalSweep },
  { name: 'directory', run: directorySweep },
  { name: 'reviews', run: reviewSweep },
  { name: 'searchViews', run: searchViewsSweep },
  { name: 'reportViews', run: reportViewsSweep },
];

export interface SweepReport { today: IsoDate; steps: Array<{ name: string; counts: SweepCounts; ms: number }> }

/** Runs every step for the Helsinki day of `deps.now()`; a step that fails stops the sweep (the next run retries). */
export async function runRegisterSweep(deps: SweepDeps): Promise<SweepReport> {
  const today = helsinkiDate(deps.now());
  const steps: SweepReport['steps'] = [];
  for (const step of SWEEP_STEPS) {
    const started = Date.now();
    const counts = await step.run(deps, today);
    steps.push({ name: step.name, counts, ms: Date.now() - started });
  }
  deps.kick();
  return { today, steps };
}
