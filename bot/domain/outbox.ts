/**
 * Messages to deliver after a state change, written with the change (outbox pattern). Each names what to tell
 * whom; the text is rendered at delivery time in the recipient's language from the order's state then.
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
  | { kind: 'registerGrant'; orderId: string; line: number };

export type NotificationEvent =
  | 'submitted' | 'submittedForReport' | 'approved' | 'declined' | 'claimed' | 'question' | 'rejected'
  | 'lineGranted' | 'completed' | 'dvvGranted' | 'dvvGrantedForYou' | 'dvvRefused' | 'meetingInvite' | 'cancelled' | 'overdue';

export interface OutboxRecord {
  rowKey: string;
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
