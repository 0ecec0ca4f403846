/**
 * Sweep step "reviews" (see registerSweep.ts): opens the day's review rounds and reminds managers of overdue
 * reviews. Each person holding mandates is reviewed every REVIEW_MONTHS by their manager, on their own day of the
 * cycle (bot/domain/review.ts: spread by person, the first cycle after deployment not caught up), one review task
 * per person and round (the round is the task's key, so two instances open it once). Reminders cover every open
 * review, a mover's as well, and go out whether periodic reviews are on or not.
 */
import type { SweepCounts, SweepDeps } from './registerSweep';
import { addWorkingDays, type IsoDate } from '../domain/workdays';
import { currentRound, needsReviewReminder, isReviewOverdue, roundDecision } from '../domain/review';
import { isInForce } from '../domain/register';
import { taskId } from '../domain/registerTask';
import { openReviewTask } from './registerTasks';
import { followUp } from './reviewAnswer';
import { mutateTask } from '../store/taskStore';
import { mapLimit } from '../store/mapLimit';

/** Directory calls in flight at once while opening rounds. */
const PARALLEL = 8;

export async function reviewSweep(deps: SweepDeps, today: IsoDate): Promise<SweepCounts> {
  const repaired = await repairAnswers(deps);
  const counts: SweepCounts = deps.config.register.reviewMonths > 0 ? await openRounds(deps, today) : {};
  return { ...counts, ...(await remindOverdue(deps, today)), ...(repaired ? { repaired } : {}) };
}

/** An answer in flight is given this long before its pending mark counts as abandoned (its task still open). */
const ANSWER_IN_FLIGHT_MS = 3_600_000;

/** Answers whose follow-up (revocation task, record) a crash cut off are completed; abandoned marks are cleared. */
async function repairAnswers(deps: SweepDeps): Promise<number> {
  let repaired = 0;
  for (const { taskId: id, at } of await deps.reviews.pending()) {
    const stored = await deps.tasks.get(id);
    if (stored?.task.status === 'done') { await followUp(deps, stored.task); repaired++; continue; }
    if (!stored || Date.parse(at) < deps.now().getTime() - ANSWER_IN_FLIGHT_MS) await deps.reviews.clearPending(id);
  }
  return repaired;
}

/** The people whose round is due today (or was missed since reviews began) get a review task for their manager. */
async function openRounds(deps: SweepDeps, today: IsoDate): Promise<SweepCounts> {
  const months = deps.config.register.reviewMonths;
  // Who holds what comes from the theme rosters (compact, point reads); only the people due are read in full.
  const [reviewsSince, records, holders] = await Promise.all([deps.reviews.since(today), deps.reviews.records(), deps.grants.allHolders()]);
  const counts = { opened: 0, covered: 0, waiting: 0, noManager: 0, notInDirectory: 0 };
  const due: Array<{ personId: string; round: IsoDate }> = [];
  for (const [personId, periods] of holders) {
    const inForce = periods.filter((p) => isInForce(p, today));
    if (!inForce.length) continue;
    const round = currentRound(personId, today, months);
    const heldSince = inForce.map((p) => p.validFrom).sort()[0];
    const decision = roundDecision({ round, record: records.get(personId), reviewsSince, months, heldSince });
    if (decision === 'covered') { await deps.reviews.recordRound(personId, round, 'covered'); counts.covered++; }
    if (decision === 'open') due.push({ personId, round });
  }
  const dueOn = addWorkingDays(today, deps.config.register.reviewAnswerWorkdays);
  await mapLimit(due, PARALLEL, async ({ personId, round }) => {
    // The entries as the holder's register has them now: what is not revoked and has not ended.
    const entries = (await deps.grants.listFor(personId)).filter((g) => !g.revokedAt && g.validUntil >= today);
    if (!entries.some((g) => isInForce(g, today))) return;
    const person = await deps.directory.getUser(personId);
    // A leaver is the directory sweep's (a revocation task): their round is passed over, so the daily work stays bounded.
    if (!person || !person.accountEnabled) { await deps.reviews.recordRound(personId, round, 'notInDirectory'); counts.notInDirectory++; return; }
    const manager = await deps.directory.getManager(personId);
    if (!manager) { await deps.reviews.recordRound(personId, round, 'noManager'); counts.noManager++; return; }
    const key = `r${round}`;
    const result = await openReviewTask(deps, { person, entries, reason: 'review', dueOn, managerId: manager.id, key });
    // Another review of the person is open (a mover's): this round waits, and is covered once that one is answered.
    if (result.kind === 'exists' && result.taskId !== taskId('review', personId, key)) { counts.waiting++; return; }
    await deps.reviews.recordRound(personId, round);
    if (result.kind === 'opened') counts.opened++;
  });
  return counts;
}

/** One reminder to the manager per overdue review (per due day), written with the task so it is sent once. */
async function remindOverdue(deps: SweepDeps, today: IsoDate): Promise<SweepCounts> {
  const open = await deps.tasks.listOpen({ kind: 'review' });
  let reminders = 0;
  for (const task of open.filter((t) => needsReviewReminder(t, today))) {
    let changed = false;
    await mutateTask(deps.tasks, task.id, (t) => {
      changed = false;
      if (!needsReviewReminder(t, today) || !t.managerId) return undefined;
      changed = true;
      return {
        task: { ...t, remindedFor: t.dueOn },
        audit: [{ at: deps.now().toISOString(), actorId: 'system', action: 'reviewReminder', from: 'open', to: 'open', detail: t.dueOn }],
        outbox: [{ kind: 'taskPersonal', taskId: t.id, recipientId: t.managerId, event: 'reviewReminder' }],
      };
    });
    if (changed) reminders++;
  }
  if (reminders) deps.kick();
  return { reminders, overdue: open.filter((t) => isReviewOverdue(t, today)).length };
}
