/** An audit event: who did what to an order, when, from which state to which, and why. Append-only; never a HETU. */
export interface AuditEvent {
  at: string;
  actorId: string;
  action: string;
  from: string;
  to: string;
  reason?: string;
  /** Short non-personal detail, e.g. the theme id a line concerns. */
  detail?: string;
  /** An administrator acted on their own order (allowed only for a single administrator or by setting). */
  selfProcessed?: boolean;
}
