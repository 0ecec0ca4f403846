/** Sweep step "renewal" (see registerSweep.ts). */
import type { SweepCounts, SweepDeps } from './registerSweep';
import type { IsoDate } from '../domain/workdays';

// eslint-disable-next-line @typescript-eslint/no-unused-vars
export async function renewalSweep(_deps: SweepDeps, _today: IsoDate): Promise<SweepCounts> {
  return {};
}
