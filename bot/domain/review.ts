/**
 * Reviews (recertification): when a person's mandates are put to their manager, what a complete answer is, and when
 * an unanswered review is overdue. Pure rules; the sweep is bot/services/reviewSweep.ts, the answer
 * bot/services/reviewAnswer.ts.
 *
 * Rounds are **spread by person**: each person has a fixed day in the cycle (a hash of their object id), so with
 * 40,000 people about 1/365 of them are asked each day instead of everyone on the day after deployment. A round
 * that started before reviews began (the first sweep with REVIEW_MONTHS on) is not caught up, so the first cycle
 * after deployment is spread too, and everyone is asked within REVIEW_MONTHS of it; later rounds are caught up
 * when a sweep was missed.
 */
import { addCalendarDays, type IsoDate } from './workdays';
import type { RegisterTask, TaskEntry } from './registerTask';

const DAY_MS = 86_400_000;
const dayNumber = (d: IsoDate): number => Date.parse(`${d}T00:00:00Z`) / DAY_MS;

/** The length of a review cycle in days (12 months = 365). */
export function cycleDays(months: number): number {
  return Math.max(1, Math.round((months * 365.25) / 12));
}

/** A person's fixed day in the cycle (0 … cycle − 1), from their object id (FNV-1a), so people spread evenly over the days. */
export function reviewPhase(personId: string, cycle: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < personId.length; i++) {
    h ^= personId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % cycle;
}

/** The first day of the person's review round that contains `today` (on or before today). */
export function currentRound(personId: string, today: IsoDate, months: number): IsoDate {
  const cycle = cycleDays(months);
  const phase = reviewPhase(personId, cycle);
  const k = Math.floor((dayNumber(today) - phase) / cycle);
  return addCalendarDays('1970-01-01', phase + k * cycle);
}

/** What the store remembers of a person's reviews. */
export interface ReviewRecord {
  /** The first day of the last round that was opened (or passed over: no manager, covered by a recent review). */
  lastRound?: IsoDate;
  /** The day a review of the person (any reason: periodic, a mover's) was last answered. */
  lastReviewedOn?: IsoDate;
}

/**
 * What to do about a person's current round today:
 * - 'notDue': the round was already handled, started before reviews began (not caught up: see the file comment),
 *   or every entry the person holds started after the round began (a new mandate waits for the next round);
 * - 'covered': a review of the person was answered less than a quarter cycle before the round began (e.g. a
 *   mover's review): the manager is not asked twice in a short time; the round is recorded as handled;
 * - 'open': ask the manager.
 */
export function roundDecision(p: { round: IsoDate; record: ReviewRecord | undefined; reviewsSince: IsoDate; months: number;
  /** The earliest start among the person's entries in force. */
  heldSince: IsoDate }): 'notDue' | 'covered' | 'open' {
  const { round, record } = p;
  if (round < p.reviewsSince) return 'notDue';
  if (record?.lastRound && record.lastRound >= round) return 'notDue';
  if (p.heldSince > round) return 'notDue';
  if (record?.lastReviewedOn && record.lastReviewedOn >= addCalendarDays(round, -Math.floor(cycleDays(p.months) / 4))) return 'covered';
  return 'open';
}

export type ReviewDecision = NonNullable<TaskEntry['decision']>;

/** A card's answer: one decision per line of the task, in order (undefined = not answered). */
export type ReviewAnswers = ReadonlyArray<ReviewDecision | undefined>;

/** The task's entries with the manager's decisions, or the lines (0-based) left unanswered: every line must be answered. */
export function applyAnswers(task: RegisterTask, answers: ReviewAnswers): { entries: TaskEntry[] } | { missing: number[] } {
  const missing = task.entries.map((_, i) => i).filter((i) => answers[i] !== 'keep' && answers[i] !== 'revoke');
  if (missing.length) return { missing };
  return { entries: task.entries.map((e, i) => ({ ...e, decision: answers[i] })) };
}

/** A review not answered by its due day (the day itself still counts as in time). */
export function isReviewOverdue(task: RegisterTask, today: IsoDate): boolean {
  return task.kind === 'review' && task.status === 'open' && task.dueOn < today;
}

/** An overdue review whose manager has not been reminded for this due day (one reminder per due day). */
export function needsReviewReminder(task: RegisterTask, today: IsoDate): boolean {
  return isReviewOverdue(task, today) && !!task.managerId && task.remindedFor !== task.dueOn;
}

/** An answered review as the progress view counts it. */
export interface AnsweredReview {
  taskId: string;
  personId: string;
  department: string;
  reason: RegisterTask['reason'];
  answeredOn: IsoDate;
  kept: number;
  revoked: number;
}

export interface DepartmentProgress { department: string; open: number; overdue: number; answered: number; revoked: number }

/** Per department (by name; '' for none), the open, overdue and answered reviews, departments with overdue ones first. */
export function reviewProgress(open: readonly RegisterTask[], answered: readonly AnsweredReview[], today: IsoDate): DepartmentProgress[] {
  const rows = new Map<string, DepartmentProgress>();
  const row = (department: string): DepartmentProgress => {
    let r = rows.get(department);
    if (!r) rows.set(department, r = { department, open: 0, overdue: 0, answered: 0, revoked: 0 });
    return r;
  };
  for (const t of open) {
    if (t.kind !== 'review' || t.status !== 'open') continue;
    const r = row(t.department);
    r.open++;
    if (isReviewOverdue(t, today)) r.overdue++;
  }
  for (const a of answered) {
    const r = row(a.department);
    r.answered++;
    r.revoked += a.revoked;
  }
  return [...rows.values()].sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.department.localeCompare(b.department, 'fi'));
}
