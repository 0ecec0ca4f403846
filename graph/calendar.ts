/**
 * Meetings: a Teams meeting in the organiser's calendar, e.g. for a signing appointment. The port is small
 * so that services can be tested with a fake; GraphMeetingScheduler creates the event through Graph.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@microsoft/microsoft-graph-client';
import { createGraphClient, graphCall, GraphRequestError, type GraphClientOptions } from './graphDirectory';

export interface MeetingRequest {
  /** Object id of the person in whose calendar the meeting is created. */
  organizerId: string;
  attendeeMails: string[];
  subject: string;
  /** Already-escaped HTML; the caller builds it from localised strings. */
  bodyHtml: string;
  start: Date;
  durationMinutes: number;
}

export interface ScheduledMeeting {
  id: string;
  webLink?: string;
}

export interface MeetingScheduler {
  schedule(m: MeetingRequest): Promise<ScheduledMeeting>;
}

/**
 * Finland's zone by its Windows name: Graph's event API accepts Windows zone names everywhere, while its list
 * of extra IANA names has Europe/Kiev for this zone but not Europe/Helsinki. The rules are the same (EET/EEST).
 */
export const GRAPH_TIME_ZONE = 'FLE Standard Time';

const helsinkiClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Helsinki',
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  hourCycle: 'h23',
});

/** The instant as Helsinki wall-clock time, "YYYY-MM-DDTHH:mm:ss", the form Graph's dateTimeTimeZone wants. */
export function helsinkiDateTime(instant: Date): string {
  const parts = new Map(helsinkiClock.formatToParts(instant).map((p) => [p.type, p.value] as const));
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.get(type) ?? '00';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}:${part('second')}`;
}

export class GraphMeetingScheduler implements MeetingScheduler {
  private readonly client: Client;

  constructor(options: GraphClientOptions) {
    this.client = createGraphClient(options);
  }

  async schedule(m: MeetingRequest): Promise<ScheduledMeeting> {
    validate(m);
    // The end is computed on the instant, not on the wall clock, so a meeting across a DST change keeps its length.
    const end = new Date(m.start.getTime() + m.durationMinutes * 60_000);
    const event = {
      subject: m.subject,
      body: { contentType: 'HTML', content: m.bodyHtml },
      start: { dateTime: helsinkiDateTime(m.start), timeZone: GRAPH_TIME_ZONE },
      end: { dateTime: helsinkiDateTime(end), timeZone: GRAPH_TIME_ZONE },
      attendees: m.attendeeMails.map((address) => ({ emailAddress: { address }, type: 'required' })),
      isOnlineMeeting: true,
      onlineMeetingProvider: 'teamsForBusiness',
      // The retry middleware may resend this POST after a 503/504 that was in fact processed; Graph
      // ignores a second create with the same transactionId, so no duplicate meeting appears.
      transactionId: randomUUID(),
    };
    const body = await graphCall('scheduleMeeting', () =>
      this.client.api(`/users/${encodeURIComponent(m.organizerId)}/events`).post(event));
    return parseEvent(body);
  }
}

function validate(m: MeetingRequest): void {
  const problems: string[] = [];
  if (!m.organizerId) problems.push('organizerId is empty');
  if (m.attendeeMails.length === 0 || m.attendeeMails.some((a) => !a.includes('@'))) problems.push('attendeeMails must be e-mail addresses');
  if (Number.isNaN(m.start.getTime())) problems.push('start is not a valid date');
  if (!Number.isInteger(m.durationMinutes) || m.durationMinutes <= 0 || m.durationMinutes > 24 * 60) {
    problems.push('durationMinutes must be a whole number from 1 to 1440');
  }
  if (problems.length > 0) throw new Error(`Cannot schedule the meeting: ${problems.join('; ')}.`);
}

function parseEvent(raw: unknown): ScheduledMeeting {
  const event = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  if (typeof event.id !== 'string' || event.id === '') {
    throw new GraphRequestError('scheduleMeeting', undefined, 'the created event has no id');
  }
  return typeof event.webLink === 'string' ? { id: event.id, webLink: event.webLink } : { id: event.id };
}
