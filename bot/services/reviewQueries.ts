/** What the administrators' "tarkistukset" view reads: open reviews now and those answered within one cycle. */
import type { Deps } from './deps';
import type { RegisterTask } from '../domain/registerTask';
import { cycleDays, reviewProgress, type DepartmentProgress } from '../domain/review';
import { addCalendarDays, helsinkiDate, type IsoDate } from '../domain/workdays';

export interface ReviewProgressData { rows: DepartmentProgress[]; since: IsoDate; periodicOff: boolean }

export async function reviewProgressData(deps: Pick<Deps, 'tasks' | 'reviews' | 'config' | 'now'>): Promise<ReviewProgressData> {
  const today = helsinkiDate(deps.now());
  const months = deps.config.register.reviewMonths;
  // One cycle back (a year when periodic reviews are off: movers' reviews are still counted).
  const since = addCalendarDays(today, -cycleDays(months || 12));
  const [open, answered] = await Promise.all([deps.tasks.listOpen({ kind: 'review' }), deps.reviews.answeredSince(since)]);
  return { rows: reviewProgress(open, answered, today), since, periodicOff: months === 0 };
}

/** The open review tasks (the digest names those past their due day). */
export function openReviews(deps: Pick<Deps, 'tasks'>): Promise<RegisterTask[]> {
  return deps.tasks.listOpen({ kind: 'review' });
}
