/**
 * The review meeting as a Teams meeting in the inviting administrator's calendar, requester invited. Graph can be
 * slow, so the invoke is answered first and this runs in the background, bounded by a timeout; the outcome is
 * audited either way (the event id, or that it failed), a failure also logged without personal data.
 */
import type { Logger } from 'pino';
import type { Deps } from './deps';
import type { Order } from '../domain/order';
import { helsinkiInstant } from '../domain/workdays';
import { translator, formatLocalDateTime } from '../i18n';

/** Longer than the Graph client's own retries normally take; after this the meeting is reported as not created. */
export const REVIEW_MEETING_TIMEOUT_MS = 30_000;

export type ReviewMeetingOutcome = 'scheduled' | 'failed' | 'off';

/** Never rejects: the result says what happened, and the audit trail records it. */
export async function scheduleReviewMeeting(deps: Pick<Deps, 'meetings' | 'orders' | 'config' | 'now'>, log: Logger,
  p: { organizerId: string; order: Order; when: string }, timeoutMs = REVIEW_MEETING_TIMEOUT_MS): Promise<ReviewMeetingOutcome> {
  const { order } = p;
  const meetings = deps.meetings;
  if (!meetings) return 'off';
  const [date, time] = p.when.split(' ');
  const audit = (action: string, detail?: string) => deps.orders.appendAudit(order.id,
    [{ at: deps.now().toISOString(), actorId: p.organizerId, action, from: order.status, to: order.status, detail }]);
  let meetingId: string | undefined;
  try {
    const tr = translator(deps.config.adminLang);
    meetingId = (await withTimeout(meetings.schedule({
      organizerId: p.organizerId,
      attendeeMails: [order.requesterMail],
      subject: `${order.number}: ${tr('verb.inviteMeeting')}`,
      bodyHtml: `<p>${escapeHtml(tr('notify.meetingInvite', { number: order.number, text: formatLocalDateTime(deps.config.adminLang, p.when) }))}</p>`,
      start: helsinkiInstant(date, time),
      durationMinutes: 30,
    }), timeoutMs))?.id;
  } catch (err) {
    log.warn({ orderId: order.id, err: (err as Error).message }, 'review meeting could not be created in the calendar');
    await audit('calendarEventFailed').catch((auditErr: unknown) => log.warn({ orderId: order.id, err: (auditErr as Error).message }, 'review meeting outcome not audited'));
    return 'failed';
  }
  await audit('calendarEvent', meetingId).catch((auditErr: unknown) => log.warn({ orderId: order.id, err: (auditErr as Error).message }, 'review meeting outcome not audited'));
  return 'scheduled';
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('the calendar did not answer in time')), ms); });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
