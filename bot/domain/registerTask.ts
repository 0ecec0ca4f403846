/**
 * Register work that is not an order: a **revocation task** (the administrators revoke — mitätöivät — a person's
 * mandates in Suomi.fi and record it) and a **review task** (a manager says, per mandate, keep or revoke). A task
 * lives like an order: its own partition in the `orders` table (`task-…`), its audit events and outbox messages
 * beside it, so a change and its notifications commit together. Pure types and rules; the store is
 * bot/store/taskStore.ts.
 */
import type { IsoDate } from './workdays';

export type RegisterTaskKind = 'revocation' | 'review';

/** Why the task exists: the person left, moved to a role whose map no longer covers a theme, a periodic review, or a review's "revoke". */
export type RegisterTaskReason = 'left' | 'moved' | 'review' | 'reviewRevoke';

/** One register entry the task is about (its key in the register: holder, theme, start). */
export interface TaskEntry {
  themeId: string;
  /** The theme's Finnish name when the task was opened. */
  themeName: string;
  validFrom: IsoDate;
  validUntil: IsoDate;
  /** Review: the manager's answer for this entry. */
  decision?: 'keep' | 'revoke';
  /** Revocation: the day the administrator recorded the mandate as revoked in Suomi.fi. */
  revokedOn?: IsoDate;
}

export interface RegisterTask {
  /** Also the partition key: `task-…` (see taskId). */
  id: string;
  kind: RegisterTaskKind;
  reason: RegisterTaskReason;
  /** The holder: their object id and, as the directory showed them when the task was opened, name and department. */
  personId: string;
  personName: string;
  department: string;
  /** Who should act: the manager for a review; for a revocation, the manager who is told when it is done. */
  managerId?: string;
  entries: TaskEntry[];
  createdAt: string;
  /** The day the work is due (a leaver's leave date, or the review's answer-by day). */
  dueOn: IsoDate;
  status: 'open' | 'done';
  /** Where the task's card sits in the administrators' channel (revocation tasks). */
  adminCard: { conversationId: string; activityId: string } | null;
  /** Recipients a personal message could not reach (shown on the card). */
  unreachable: string[];
  /** The due day a reminder was sent for (at most one per due day). */
  remindedFor?: IsoDate;
  doneAt?: string;
  doneBy?: string;
  /** The task that opened this one (a review's revoke → a revocation task). */
  parentId?: string;
  /** Review: the manager's optional comment with the answer (as typed; shown as plain text). */
  comment?: string;
  /** Review: answered by an administrator on the manager's behalf (doneBy is the administrator). */
  onBehalf?: boolean;
}

export const TASK_PREFIX = 'task-';

/** Whether a partition of the `orders` table holds a task (and not an order). */
export const isTaskId = (id: string): boolean => id.startsWith(TASK_PREFIX);

/**
 * A task's id from what makes it unique, so two instances that notice the same leaver (or open the same review)
 * on the same day write the same partition and the second write is refused: `task-<kind>-<person>-<key>`.
 */
export function taskId(kind: RegisterTaskKind, personId: string, key: string): string {
  return `${TASK_PREFIX}${kind === 'revocation' ? 'rv' : 'rw'}-${personId}-${key}`.replace(/[\\/#?\u0000-\u001f\u007f]/g, '_');
}

/**
 * The version a task's card shows and its buttons carry: it changes when the task is done (the only change a card
 * acts on), so a click on a card drawn before that is stale.
 */
export const taskVersion = (task: Pick<RegisterTask, 'doneAt' | 'createdAt'>): string => task.doneAt ?? task.createdAt;

/** The entries a revocation task still waits for. */
export function entriesToRevoke(task: RegisterTask): TaskEntry[] {
  return task.entries.filter((e) => !e.revokedOn);
}

/** The entries a review still waits an answer for. */
export function entriesUnanswered(task: RegisterTask): TaskEntry[] {
  return task.entries.filter((e) => !e.decision);
}

/**
 * Personal notices about a person's own register entries (no task to work: a renewal reminder, "your mandate
 * ended"). They go out through the outbox from the person's notice partition (`note-<person>`), each with a
 * marker row written in the same transaction, so a notice is sent once however many instances sweep.
 */
export const NOTICE_PREFIX = 'note-';
export const isNoticePartition = (id: string): boolean => id.startsWith(NOTICE_PREFIX);
export const noticePartition = (personId: string): string => `${NOTICE_PREFIX}${personId}`.replace(/[\\/#?\u0000-\u001f\u007f]/g, '_');

export type NoticeEvent = 'renewalReminder' | 'renewalReminderForManager' | 'expired';

/** What a notice says: the entry it is about and, for a manager, whose entry it is. */
export interface NoticeFacts {
  themeId: string;
  themeName: string;
  validFrom: IsoDate;
  validUntil: IsoDate;
  /** Days before the end this reminder belongs to (renewal reminders). */
  leadDays?: number;
  /** Days from the day the reminder was queued to the entry's last day (a caught-up reminder says the true count). */
  daysLeft?: number;
  /** The holder, when the recipient is someone else (their manager). */
  holderId?: string;
}
