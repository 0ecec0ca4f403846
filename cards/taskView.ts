/** The view model of a register task's card, shared by the card and each kind's own part of it. */
import type { Action, Element } from './card';
import { taskVersion, type RegisterTask } from '../bot/domain/registerTask';

/** A task as its cards show it: names resolved, every typed or directory text made plain (by the presenter). */
export interface TaskView {
  task: RegisterTask;
  personName: string;
  department: string;
  managerName: string;
  doneByName: string;
  unreachableNames: string[];
  /** Today (Helsinki) when whoever draws the card knows it (an answer to a click); else the card's own clock. */
  today?: string;
  /** Why a click did not go through (e.g. a date refused), shown by the kind's own part beside its inputs. */
  notice?: string;
}

/** Card data of every task verb: the task id and the version the card shows. */
export const taskVerbData = (task: RegisterTask, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ taskId: task.id, v: taskVersion(task), ...extra });

/**
 * What a kind's own part of the task card adds (revocationTask.ts, reviewTask.ts). `replacesEntries`: the body
 * lists the entries itself (one input per entry), so the plain list is left out.
 */
export interface TaskCardPart { body: Element[]; actions: Action[]; replacesEntries?: boolean }

