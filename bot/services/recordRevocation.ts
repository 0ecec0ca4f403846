/**
 * "Merkitse mitätöidyksi" on a revocation task: an administrator revoked the person's mandates in Suomi.fi and
 * records the day. The register's entries get revokedAt/revokedBy (those already recorded are left as they are),
 * then the task becomes done with its audit event, its card redrawn in place, a thread reply and the manager told —
 * all in the task's one transaction, guarded by its ETag, so a second click or a second administrator changes
 * nothing and hears that it was done.
 */
import type { Deps } from './deps';
import type { Actor } from '../domain/policies';
import { may } from '../domain/policies';
import { entriesToRevoke, taskVersion, type RegisterTask } from '../domain/registerTask';
import type { OutboxMessage } from '../domain/outbox';
import { helsinkiDate, type IsoDate } from '../domain/workdays';
import { ConcurrencyError } from '../store/orderStore';
import { mutateTask } from '../store/taskStore';

export interface RecordRevocationInput {
  actor: Actor;
  taskId: string;
  /** The task's version the card showed (taskVerbData `v`). */
  shownVersion: string;
  /** The day the mandates were revoked in Suomi.fi ('' = today). */
  revokedOn: string;
}

export type RecordRevocationResult =
  | { kind: 'notFound' }
  | { kind: 'denied'; task: RegisterTask }
  /** The card was old or the task is done (by someone, maybe this very click before): nothing written. */
  | { kind: 'stale'; task: RegisterTask }
  | { kind: 'badDate'; task: RegisterTask; reason: 'future' | 'beforeStart' | 'notDate'; earliest: IsoDate }
  | { kind: 'done'; task: RegisterTask };

type RevocationDeps = Pick<Deps, 'tasks' | 'grants' | 'now' | 'kick'>;

export async function recordRevocation(deps: RevocationDeps, input: RecordRevocationInput): Promise<RecordRevocationResult> {
  const today = helsinkiDate(deps.now());
  for (let attempt = 0; attempt < 3; attempt++) {
    const stored = await deps.tasks.get(input.taskId);
    if (!stored || stored.task.kind !== 'revocation') return { kind: 'notFound' };
    const task = stored.task;
    if (!may(input.actor, 'revokeTask')) {
      // Refused and recorded, as an order's refused verb is ("the request was logged").
      await mutateTask(deps.tasks, task.id, (t) => ({ task: t,
        audit: [{ at: deps.now().toISOString(), actorId: input.actor.id, action: 'denied:revokeTask', from: t.status, to: t.status }] }));
      return { kind: 'denied', task };
    }
    if (task.status !== 'open' || taskVersion(task) !== input.shownVersion) return { kind: 'stale', task };
    const day = input.revokedOn || today;
    const earliest = task.entries.map((e) => e.validFrom).sort()[0] ?? today;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) return { kind: 'badDate', task, reason: 'notDate', earliest };
    if (day > today) return { kind: 'badDate', task, reason: 'future', earliest };
    if (day < earliest) return { kind: 'badDate', task, reason: 'beforeStart', earliest };

    await revokeInRegister(deps, task, day, input.actor.id);
    const at = deps.now().toISOString();
    const done: RegisterTask = { ...task, status: 'done', doneAt: at, doneBy: input.actor.id,
      entries: task.entries.map((e) => (e.revokedOn ? e : { ...e, revokedOn: day })) };
    const outbox: OutboxMessage[] = [
      { kind: 'taskCard', taskId: task.id },
      { kind: 'taskThread', taskId: task.id, event: 'revoked', actorId: input.actor.id, text: day },
      ...(task.managerId ? [{ kind: 'taskPersonal' as const, taskId: task.id, recipientId: task.managerId, event: 'revoked' as const, actorId: input.actor.id, text: day }] : []),
    ];
    const audit = [{ at, actorId: input.actor.id, action: 'taskRevoked', from: 'open', to: 'done', detail: `${day}; ${entriesToRevoke(task).map((e) => e.themeId).join(',')}` }];
    try {
      await deps.tasks.update(done, stored.etag, audit, outbox);
    } catch (err) {
      if (err instanceof ConcurrencyError) continue;
      throw err;
    }
    deps.kick();
    return { kind: 'done', task: done };
  }
  const last = await deps.tasks.get(input.taskId);
  return last ? { kind: 'stale', task: last.task } : { kind: 'notFound' };
}

/**
 * The task's entries in the register marked revoked on the day, by the actor. An entry already marked (an earlier
 * attempt that failed before the task was written, a review's revoke) keeps its first record.
 */
async function revokeInRegister(deps: RevocationDeps, task: RegisterTask, day: IsoDate, actorId: string): Promise<void> {
  const wanted = new Set(entriesToRevoke(task).map((e) => `${e.themeId}|${e.validFrom}`));
  const grants = (await deps.grants.listFor(task.personId))
    .filter((g) => wanted.has(`${g.themeId}|${g.validFrom}`) && !g.revokedAt)
    .map((g) => ({ ...g, revokedAt: `${day}T00:00:00.000Z`, revokedBy: actorId }));
  if (grants.length > 0) await deps.grants.putMany(grants);
}
