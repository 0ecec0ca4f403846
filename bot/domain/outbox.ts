import type { Order } from './order';
import type { NoticeEvent, NoticeFacts, RegisterTask } from './registerTask';

/**
 * Messages to deliver after a state change, written with the change (outbox pattern). Each names what to tell
 * whom; the text is rendered at delivery time in the recipient's language from the subject's state then. A
 * message lives in its subject's partition: an order's, a register task's (`task-…`) or a person's notices
 * (`note-…`); OutboxRecord.orderId names that partition.
 */
export type OutboxMessage =
  /** Post the order's card to the administrators' channel, or update it in place if already posted. */
  | { kind: 'adminCard'; orderId: string }
  /** A reply in the order card's thread in the administrators' channel. */
  | { kind: 'threadReply'; orderId: string; event: string; actorId?: string; text?: string }
  /** A personal message to a person about an order. */
  | { kind: 'personal'; orderId: string; recipientId: string; event: NotificationEvent; text?: string }
  /** A personal card asking someone to act (manager approval, signatory). */
  | { kind: 'actionCard'; orderId: string; recipientId: string; card: 'managerApproval' | 'signature' }
  /** Make sure the register holds the grant of this line (repair for a crash between commit and register write). */
  | { kind: 'registerGrant'; orderId: string; line: number }
  /** Post a register task's card to the administrators' channel, or update it in place if already posted. */
  | { kind: 'taskCard'; taskId: string }
  /** A reply in the task card's thread in the administrators' channel. */
  | { kind: 'taskThread'; taskId: string; event: TaskEvent; actorId?: string; text?: string }
  /** A personal message to a person about a task (the manager told the mandates were revoked; a reminder). */
  | { kind: 'taskPersonal'; taskId: string; recipientId: string; event: TaskEvent; actorId?: string; text?: string }
  /** A personal card asking someone to act on a task (the manager's review card). */
  | { kind: 'taskActionCard'; taskId: string; recipientId: string }
  /** A notice about a person's own register entry, from their notice partition (renewal reminder, ended). */
  | { kind: 'notice'; recipientId: string; event: NoticeEvent; facts: NoticeFacts };

/** What happened to a register task, as its thread and personal messages name it (i18n `task.thread.*`, `task.notify.*`). */
export type TaskEvent = 'opened' | 'revoked' | 'reminder' | 'reviewed' | 'reviewReminder' | 'reviewRequested';

/** What an outbox partition belongs to, loaded once per delivery pass. */
export type OutboxSubject =
  | { kind: 'order'; id: string; order: Order }
  | { kind: 'task'; id: string; task: RegisterTask }
  /** A person's notice partition: nothing to load, every message carries what it says. */
  | { kind: 'notices'; id: string };

export type NotificationEvent =
  | 'submitted' | 'submittedForReport' | 'approved' | 'declined' | 'claimed' | 'question' | 'rejected'
  | 'lineGranted' | 'completed' | 'dvvGranted' | 'dvvGrantedForYou' | 'dvvRefused' | 'meetingInvite' | 'cancelled' | 'overdue';

export interface OutboxRecord {
  rowKey: string;
  /** The partition the message lives in: an order's id, a task's id or a notice partition. */
  orderId: string;
  message: OutboxMessage;
  attempts: number;
  /** ISO time before which the dispatcher must not try again. */
  notBefore: string;
  status: 'pending' | 'delivered' | 'failed';
  lastError?: string;
  /**
   * A channel post (not idempotent in Teams) was started at this time and may have reached Teams: set just
   * before the post, so a restart knows an earlier attempt may have posted the card.
   */
  postingSince?: string;
  /** Where the channel post landed: saved right after the post, before anything else, so a crash does not repost. */
  posted?: { conversationId: string; activityId: string };
}
