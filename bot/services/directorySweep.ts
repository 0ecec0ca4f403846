/**
 * Sweep step "directory" (see registerSweep.ts): leavers and movers from the directory, and reminders of
 * revocation tasks left undone.
 *
 * The directory says what changed since the cursor kept from the last run (Graph's users delta, or a changed
 * organisation file as a whole list); each change is compared with the person as remembered (DirectoryStateStore):
 * - a **leaver** (account disabled, deleted or gone from the file, or a leave date set) who holds entries in force
 *   or starting later → one revocation task, due on the leave date (or today), the manager to be told when done;
 * - a **mover** (department, service area, job title or manager changed) who holds a theme the new role's map no
 *   longer suggests → a review task for the new manager with only those entries.
 * Tasks are opened first, then the snapshot and last the cursor, so a run that fails half way reads the same changes
 * again and opening a task twice opens one (taskId + the open-task check). The first run records the baseline;
 * people already gone then are treated as leavers too (a disabled account that still holds a mandate is the risk
 * this exists for), movers need a remembered role and start from the second run.
 */
import type { SweepCounts, SweepDeps } from './registerSweep';
import { addWorkingDays, type IsoDate } from '../domain/workdays';
import type { DirectoryChanges, DirectoryRecord } from '../../graph/directory';
import type { PersonSnapshot } from '../store/directoryState';
import type { Grant } from '../store/grantStore';
import { mapLimit } from '../store/mapLimit';
import { mutateTask } from '../store/taskStore';
import { openRevocationTask, openReviewTask } from './registerTasks';
import type { OutboxMessage } from '../domain/outbox';

/** People handled at once: each is a register read and maybe a task transaction. */
const CONCURRENCY = 8;

export async function directorySweep(deps: SweepDeps, today: IsoDate): Promise<SweepCounts> {
  const counts: SweepCounts = { changed: 0, leavers: 0, movers: 0, revocationTasks: 0, reviewTasks: 0, reminders: 0 };
  const cursor = await deps.directoryState.cursor();
  const changes = await deps.directory.changes(cursor);
  if (changes.kind !== 'unchanged') {
    const pairs = await compare(deps, changes);
    const changed = pairs.filter(({ before, after }) => !before || differs(before, after));
    counts.changed = changed.length;
    if (cursor === undefined) counts.baseline = pairs.length;
    await mapLimit(changed, CONCURRENCY, async ({ before, after }) => {
      if (isLeaving(after) && !(before && isLeaving(before) && before.leaveDate === after.leaveDate)) {
        counts.leavers += 1;
        if (await leaver(deps, today, after)) counts.revocationTasks += 1;
      } else if (before && !isLeaving(after) && roleChanged(before, after)) {
        counts.movers += 1;
        if (await mover(deps, today, after)) counts.reviewTasks += 1;
      }
    });
    await deps.directoryState.putMany(changed.map((c) => c.after));
    await deps.directoryState.saveCursor(changes.cursor, deps.now());
  }
  counts.reminders = await remindOverdue(deps, today);
  return counts;
}

type Pair = { before: PersonSnapshot | undefined; after: PersonSnapshot };

/** Each changed person as remembered and as now; with a whole list, everyone remembered and missing from it is gone. */
async function compare(deps: SweepDeps, changes: Exclude<DirectoryChanges, { kind: 'unchanged' }>): Promise<Pair[]> {
  if (changes.kind === 'full') {
    const before = await deps.directoryState.listAll();
    const listed = new Set(changes.users.map((u) => u.id));
    const pairs = changes.users.map((u) => ({ before: before.get(u.id), after: merge(before.get(u.id), u) }));
    for (const [id, b] of before) if (!listed.has(id) && !b.gone) pairs.push({ before: b, after: { ...b, gone: true } });
    return pairs;
  }
  const before = await deps.directoryState.getMany([...changes.users.map((u) => u.id), ...changes.removed]);
  return [
    ...changes.users.map((u) => ({ before: before.get(u.id), after: merge(before.get(u.id), u) })),
    ...changes.removed.map((id) => {
      const b = before.get(id);
      return { before: b, after: { ...(b ?? merge(undefined, { id })), gone: true } };
    }),
  ];
}

/** The remembered person with what the change carries (a field not sent is unchanged). */
function merge(before: PersonSnapshot | undefined, r: DirectoryRecord): PersonSnapshot {
  const leaveDate = r.leaveDate === undefined ? before?.leaveDate : r.leaveDate ?? undefined;
  return {
    id: r.id,
    displayName: r.displayName ?? before?.displayName ?? '',
    department: r.department ?? before?.department ?? '',
    serviceArea: r.serviceArea ?? before?.serviceArea ?? '',
    jobTitle: r.jobTitle ?? before?.jobTitle ?? '',
    managerId: r.managerId === undefined ? before?.managerId ?? null : r.managerId,
    accountEnabled: r.accountEnabled ?? before?.accountEnabled ?? true,
    gone: false,
    ...(leaveDate ? { leaveDate } : {}),
  };
}

const isLeaving = (p: PersonSnapshot): boolean => p.gone || !p.accountEnabled || p.leaveDate !== undefined;

const roleChanged = (a: PersonSnapshot, b: PersonSnapshot): boolean =>
  a.department !== b.department || a.serviceArea !== b.serviceArea || a.jobTitle !== b.jobTitle || a.managerId !== b.managerId;

const differs = (a: PersonSnapshot, b: PersonSnapshot): boolean =>
  roleChanged(a, b) || a.displayName !== b.displayName || a.accountEnabled !== b.accountEnabled || a.gone !== b.gone || a.leaveDate !== b.leaveDate;

/** Entries that still let the person act for the organisation: not revoked, not ended (in force or starting later). */
function held(grants: readonly Grant[], today: IsoDate): Grant[] {
  return grants.filter((g) => !g.revokedAt && g.validUntil >= today);
}

async function leaver(deps: SweepDeps, today: IsoDate, p: PersonSnapshot): Promise<boolean> {
  const entries = held(await deps.grants.listFor(p.id), today);
  const dueOn = p.leaveDate ?? today;
  const result = await openRevocationTask(deps, {
    person: { id: p.id, displayName: p.displayName, department: p.department }, entries, reason: 'left', dueOn,
    ...(p.managerId ? { managerId: p.managerId } : {}), key: dueOn,
  });
  return result.kind === 'opened';
}

async function mover(deps: SweepDeps, today: IsoDate, p: PersonSnapshot): Promise<boolean> {
  if (!p.managerId) return false;
  const entries = held(await deps.grants.listFor(p.id), today);
  if (entries.length === 0) return false;
  const covered = new Set(await deps.catalog.suggestedThemeIds(p));
  const uncovered = entries.filter((g) => !covered.has(g.themeId));
  const result = await openReviewTask(deps, {
    person: { id: p.id, displayName: p.displayName, department: p.department }, entries: uncovered, reason: 'moved',
    dueOn: addWorkingDays(today, deps.config.register.reviewAnswerWorkdays), managerId: p.managerId, key: `moved-${today}`,
  });
  return result.kind === 'opened';
}

/**
 * An open revocation task not done within the set working days after its due day (due Monday, one working day:
 * Tuesday is given in full, the reminder goes on Wednesday's sweep): a reply in its thread and a personal message
 * to each administrator, once per due day (`remindedFor`; the ETag makes two instances one).
 */
async function remindOverdue(deps: SweepDeps, today: IsoDate): Promise<number> {
  const open = (await deps.tasks.listOpen({ kind: 'revocation' }))
    .filter((t) => t.remindedFor !== t.dueOn && addWorkingDays(t.dueOn, deps.config.register.revocationReminderWorkdays) < today);
  if (open.length === 0) return 0;
  const admins = await deps.directory.listMembers('administrators');
  let sent = 0;
  for (const task of open) {
    let changed = false;
    await mutateTask(deps.tasks, task.id, (t) => {
      changed = false;
      if (t.status !== 'open' || t.remindedFor === t.dueOn) return undefined;
      changed = true;
      const outbox: OutboxMessage[] = [
        { kind: 'taskThread', taskId: t.id, event: 'reminder' },
        ...admins.map((a): OutboxMessage => ({ kind: 'taskPersonal', taskId: t.id, recipientId: a.id, event: 'reminder' })),
      ];
      return { task: { ...t, remindedFor: t.dueOn }, outbox,
        audit: [{ at: deps.now().toISOString(), actorId: 'system', action: 'taskReminded', from: 'open', to: 'open', detail: t.dueOn }] };
    });
    if (changed) { sent += 1; deps.kick(); }
  }
  return sent;
}
