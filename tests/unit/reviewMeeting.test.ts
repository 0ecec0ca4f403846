import assert from 'node:assert/strict';
import pino from 'pino';
import { scheduleReviewMeeting } from '../../bot/services/reviewMeeting';
import { BackgroundWork, runInBackground } from '../../bot/services/backgroundWork';
import type { Deps } from '../../bot/services/deps';
import type { AuditEvent } from '../../bot/domain/audit';
import { sampleOrder } from '../helpers/cardCheck';

const log = pino({ level: 'silent' });

function fakeDeps(schedule: () => Promise<{ id: string }>) {
  const audits: AuditEvent[] = [];
  const deps = {
    meetings: { schedule },
    orders: { appendAudit: async (_id: string, events: AuditEvent[]) => { audits.push(...events); } },
    config: { adminLang: 'fi' },
    now: () => new Date('2026-03-16T10:00:00Z'),
  } as unknown as Pick<Deps, 'meetings' | 'orders' | 'config' | 'now'>;
  return { deps, audits };
}

const request = { organizerId: 'admin', order: sampleOrder(), when: '2026-03-20 10:00' };

describe('review meeting (services/reviewMeeting)', () => {
  it('audits the calendar event it created', async () => {
    const { deps, audits } = fakeDeps(async () => ({ id: 'event-1' }));
    assert.equal(await scheduleReviewMeeting(deps, log, request), 'scheduled');
    assert.deepEqual(audits.map((a) => [a.action, a.detail]), [['calendarEvent', 'event-1']]);
  });

  it('a calendar that never answers is given up after the bound, and the failure audited', async () => {
    const { deps, audits } = fakeDeps(() => new Promise(() => undefined));
    assert.equal(await scheduleReviewMeeting(deps, log, request, 20), 'failed');
    assert.deepEqual(audits.map((a) => a.action), ['calendarEventFailed']);
  });

  it('a failing calendar never rejects: the failure is audited', async () => {
    const { deps, audits } = fakeDeps(async () => { throw new Error('Graph 503'); });
    assert.equal(await scheduleReviewMeeting(deps, log, request), 'failed');
    assert.deepEqual(audits.map((a) => a.action), ['calendarEventFailed']);
  });

  it('background work is tracked until it settles, so shutdown and tests can wait for it', async () => {
    const background = new BackgroundWork();
    let release: () => void = () => undefined;
    runInBackground({ background }, new Promise<void>((resolve) => { release = resolve; }));
    assert.equal(background.size, 1);
    const drained = background.drain();
    release();
    await drained;
    assert.equal(background.size, 0);
  });
});
