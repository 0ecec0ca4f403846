/**
 * Opening register tasks: the one place that turns "this person's mandates must be revoked" or "their manager must
 * review them" into a task with its first audit event and messages. The directory sweep (leavers, movers), the
 * periodic review and a review's "revoke" all open tasks through here.
 */
import type { DirectoryUser } from '../../graph/directory';
import type { Grant } from '../store/grantStore';
import { taskId, type RegisterTask, type RegisterTaskReason, type TaskEntry } from '../domain/registerTask';
import type { IsoDate } from '../domain/workdays';
import type { Deps } from './deps';

type TaskDeps = Pick<Deps, 'tasks' | 'now' | 'kick'>;

export interface OpenTaskInput {
  /** The holder as the directory knows them (or as the task must remember them: a deleted user is no longer there). */
  person: Pick<DirectoryUser, 'id' | 'displayName' | 'department'>;
  entries: ReadonlyArray<Pick<Grant, 'themeId' | 'themeName' | 'validFrom' | 'validUntil'>>;
  reason: RegisterTaskReason;
  dueOn: IsoDate;
  /** Who is told (revocation) or asked (review). */
  managerId?: string;
  /** What makes the task unique beside kind and person (e.g. the day it was noticed, a review round): same key, same task. */
  key: string;
  parentId?: string;
  /** Who opened it ('system' for the sweeps). */
  actorId?: string;
}

export type OpenTaskResult = { kind: 'opened'; task: RegisterTask } | { kind: 'exists'; taskId: string } | { kind: 'nothingToDo' };

/**
 * A revocation task: its card goes to the administrators' channel. One per person at a time: while one is open,
 * another call adds nothing (the open task already lists the person's mandates; 'exists').
 */
export async function openRevocationTask(deps: TaskDeps, input: OpenTaskInput): Promise<OpenTaskResult> {
  if (input.entries.length === 0) return { kind: 'nothingToDo' };
  const open = await deps.tasks.listOpen({ kind: 'revocation', personId: input.person.id });
  if (open.length > 0) return { kind: 'exists', taskId: open[0].id };
  const task = newTask(deps, 'revocation', input);
  return create(deps, task, input, [{ kind: 'taskCard', taskId: task.id }]);
}

/** A review task: its card goes to the manager personally (keep or revoke per mandate). One open review per person. */
export async function openReviewTask(deps: TaskDeps, input: OpenTaskInput & { managerId: string }): Promise<OpenTaskResult> {
  if (input.entries.length === 0) return { kind: 'nothingToDo' };
  const open = await deps.tasks.listOpen({ kind: 'review', personId: input.person.id });
  if (open.length > 0) return { kind: 'exists', taskId: open[0].id };
  const task = newTask(deps, 'review', input);
  return create(deps, task, input, [{ kind: 'taskActionCard', taskId: task.id, recipientId: input.managerId }]);
}

function newTask(deps: TaskDeps, kind: RegisterTask['kind'], input: OpenTaskInput): RegisterTask {
  const entries: TaskEntry[] = input.entries.map((e) => ({ themeId: e.themeId, themeName: e.themeName, validFrom: e.validFrom, validUntil: e.validUntil }));
  return {
    id: taskId(kind, input.person.id, input.key), kind, reason: input.reason, personId: input.person.id,
    personName: input.person.displayName, department: input.person.department, ...(input.managerId ? { managerId: input.managerId } : {}),
    entries, createdAt: deps.now().toISOString(), dueOn: input.dueOn, status: 'open', adminCard: null, unreachable: [],
    ...(input.parentId ? { parentId: input.parentId } : {}),
  };
}

async function create(deps: TaskDeps, task: RegisterTask, input: OpenTaskInput, outbox: Parameters<TaskDeps['tasks']['create']>[2]): Promise<OpenTaskResult> {
  const audit = [{ at: task.createdAt, actorId: input.actorId ?? 'system', action: 'taskOpened', from: '', to: 'open', reason: input.reason, detail: task.kind }];
  const result = await deps.tasks.create(task, audit, outbox);
  if (result === 'exists') return { kind: 'exists', taskId: task.id };
  deps.kick();
  return { kind: 'opened', task };
}
