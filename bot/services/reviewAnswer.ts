/**
 * A manager answers a review (periodic, or a mover's): keep or revoke per mandate. Kept entries stay in the register
 * (the answer is recorded on the task and in the person's review record); revoked ones go to ONE revocation task
 * for the administrators (reason 'reviewRevoke', parentId = the review). The task's manager answers, or an
 * administrator on their behalf (audited as such, the manager told). A second answer or an old card changes nothing.
 */
import type { Deps } from './deps';
import type { Actor } from '../domain/policies';
import { mayOnReview } from '../domain/policies';
import { applyAnswers, type ReviewAnswers } from '../domain/review';
import { TASK_PREFIX, taskVersion, type RegisterTask } from '../domain/registerTask';
import { helsinkiDate } from '../domain/workdays';
import { ConcurrencyError } from '../store/orderStore';
import { mutateTask } from '../store/taskStore';
import { openRevocationTask } from './registerTasks';

export interface ReviewAnswerProps {
  actor: Actor;
  taskId: string;
  /** The task's version the card showed (cards/registerTask taskVerbData: doneAt ?? createdAt). */
  shownVersion: string;
  answers: ReviewAnswers;
  comment: string;
}

export type ReviewAnswerResult =
  | { kind: 'done'; task: RegisterTask; revocationTaskId?: string }
  | { kind: 'notFound' }
  | { kind: 'notAllowed' }
  /** Answered already (by this or another person): nothing written. */
  | { kind: 'answered'; task: RegisterTask }
  /** The card showed another version of the task: nothing written, the current card is shown. */
  | { kind: 'stale'; task: RegisterTask }
  /** Lines (0-based) without keep or revoke: nothing written. */
  | { kind: 'incomplete'; task: RegisterTask; missing: number[] };

const MAX_COMMENT = 1000;

export async function answerReview(deps: Deps, p: ReviewAnswerProps): Promise<ReviewAnswerResult> {
  const stored = await deps.tasks.get(p.taskId);
  if (!stored || stored.task.kind !== 'review') return { kind: 'notFound' };
  const task = stored.task;
  if (!mayOnReview(p.actor, 'answerReview', { personId: task.personId, managerId: task.managerId ?? null })) {
    // A refusal is audit-logged like an order's (the task row is rewritten unchanged with the event).
    await mutateTask(deps.tasks, task.id, (t) => ({ task: t, audit: [{ at: deps.now().toISOString(), actorId: p.actor.id, action: 'denied:answerReview', from: t.status, to: t.status }] }));
    return { kind: 'notAllowed' };
  }
  if (task.status === 'done') {
    // A crash after the answer but before its follow-ups is made good here: both are idempotent.
    await followUp(deps, task);
    return { kind: 'answered', task };
  }
  if (p.shownVersion !== taskVersion(task)) return { kind: 'stale', task };
  const applied = applyAnswers(task, p.answers);
  if ('missing' in applied) return { kind: 'incomplete', task, missing: applied.missing };

  const at = deps.now().toISOString();
  const onBehalf = p.actor.id !== task.managerId;
  const comment = p.comment.trim().slice(0, MAX_COMMENT);
  const done: RegisterTask = { ...task, entries: applied.entries, status: 'done', doneAt: at, doneBy: p.actor.id,
    ...(comment ? { comment } : {}), ...(onBehalf ? { onBehalf: true } : {}) };
  const kept = done.entries.filter((e) => e.decision === 'keep').length;
  await deps.reviews.markPending(task.id, at);
  try {
    await deps.tasks.update(done, stored.etag,
      [{ at, actorId: p.actor.id, action: 'reviewAnswered', from: 'open', to: 'done', detail: `keep ${kept}, revoke ${done.entries.length - kept}`,
        ...(onBehalf ? { reason: 'onBehalfOfManager' } : {}) }],
      onBehalf && task.managerId ? [{ kind: 'taskPersonal', taskId: task.id, recipientId: task.managerId, event: 'reviewed', actorId: p.actor.id }] : []);
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
    const now = await deps.tasks.get(task.id);
    return now?.task.status === 'done' ? { kind: 'answered', task: now.task } : { kind: 'stale', task: now?.task ?? task };
  }
  deps.kick();
  const revocationTaskId = await followUp(deps, done);
  return { kind: 'done', task: done, ...(revocationTaskId ? { revocationTaskId } : {}) };
}

/**
 * After an answer: the revocation task for the revoked lines and the review's record (both idempotent), then the
 * answer's pending mark is cleared; the id of the revocation task, if any. Run by the answer, by a second click,
 * and by the daily sweep for an answer whose follow-up a crash cut off.
 */
export async function followUp(deps: Pick<Deps, 'tasks' | 'reviews' | 'now' | 'kick'>, task: RegisterTask): Promise<string | undefined> {
  const revoked = task.entries.filter((e) => e.decision === 'revoke');
  const answeredOn = helsinkiDate(new Date(task.doneAt ?? deps.now().toISOString()));
  let revocationTaskId: string | undefined;
  if (revoked.length) {
    const opened = await openRevocationTask(deps, {
      person: { id: task.personId, displayName: task.personName, department: task.department },
      entries: revoked, reason: 'reviewRevoke', dueOn: answeredOn, managerId: task.managerId,
      // One revocation task per review, whoever opens it (the answer, or its repair on a second click).
      key: `from-${task.id.slice(TASK_PREFIX.length)}`, parentId: task.id, actorId: task.doneBy,
    });
    revocationTaskId = opened.kind === 'opened' ? opened.task.id : opened.kind === 'exists' ? opened.taskId : undefined;
  }
  await deps.reviews.recordAnswer({ taskId: task.id, personId: task.personId, department: task.department, reason: task.reason,
    answeredOn, kept: task.entries.length - revoked.length, revoked: revoked.length });
  await deps.reviews.clearPending(task.id);
  return revocationTaskId;
}
