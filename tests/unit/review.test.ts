import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { applyAnswers, currentRound, cycleDays, isReviewOverdue, needsReviewReminder, reviewPhase, reviewProgress, roundDecision } from '../../bot/domain/review';
import { mayOnReview, type Actor } from '../../bot/domain/policies';
import { addCalendarDays } from '../../bot/domain/workdays';
import { recognise } from '../../bot/handlers/intents';
import { parseReviewAnswer } from '../../bot/handlers/review';
import type { RegisterTask } from '../../bot/domain/registerTask';

/** A directory object id, the same every run (the spread is checked on ids shaped like the real ones). */
const objectId = (i: number): string => createHash('sha256').update(String(i)).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5');

function review(over: Partial<RegisterTask> = {}): RegisterTask {
  return { id: 'task-rw-p-r2026-11-30', kind: 'review', reason: 'review', personId: 'p', personName: 'Mikko', department: 'Konsernipalvelut', managerId: 'm',
    entries: [{ themeId: 'a', themeName: 'Veroilmoittaminen', validFrom: '2025-01-01', validUntil: '2027-12-31' },
      { themeId: 'b', themeName: 'Tulorekisteri', validFrom: '2025-01-01', validUntil: '2027-12-31' }],
    createdAt: '2026-11-30T08:00:00Z', dueOn: '2026-12-14', status: 'open', adminCard: null, unreachable: [], ...over };
}

describe('review rounds: spread by person, every cycle', () => {
  it('a cycle of 12 months is 365 days, of 6 months 183', () => {
    assert.equal(cycleDays(12), 365);
    assert.equal(cycleDays(6), 183);
    assert.equal(cycleDays(1), 30);
  });

  it('40,000 people spread over the cycle: no day gets more than twice its share, every day some', () => {
    const perDay = new Array<number>(365).fill(0);
    for (let i = 0; i < 40_000; i++) perDay[reviewPhase(objectId(i), 365)]++;
    const share = 40_000 / 365;
    assert.ok(Math.max(...perDay) < 2 * share, `busiest day ${Math.max(...perDay)}, share ${share.toFixed(0)}`);
    assert.ok(Math.min(...perDay) > 0, 'a day without reviews');
  });

  it('the current round starts on or before today and less than a cycle ago; it is the same for every day of the round', () => {
    for (const id of ['a', 'b', objectId(1), objectId(2)]) {
      const round = currentRound(id, '2026-11-30', 12);
      assert.ok(round <= '2026-11-30' && round > addCalendarDays('2026-11-30', -365), round);
      assert.equal(currentRound(id, round, 12), round, 'the round\'s first day is in the round');
      assert.equal(currentRound(id, addCalendarDays(round, 364), 12), round, 'its last day too');
      assert.equal(currentRound(id, addCalendarDays(round, 365), 12), addCalendarDays(round, 365), 'the next round a cycle later');
    }
  });

  const base = { round: '2026-11-30', reviewsSince: '2026-06-01', months: 12, heldSince: '2025-01-01' };
  it('a round is opened once: after that (or after passing it over) it is not due', () => {
    assert.equal(roundDecision({ ...base, record: undefined }), 'open');
    assert.equal(roundDecision({ ...base, record: { lastRound: '2026-11-30' } }), 'notDue');
    assert.equal(roundDecision({ ...base, record: { lastRound: '2025-11-30' } }), 'open', 'last year\'s round does not cover this one');
  });

  it('a round that began before reviews did is not caught up (the first cycle after deployment is spread too)', () => {
    assert.equal(roundDecision({ ...base, reviewsSince: '2026-12-01', record: undefined }), 'notDue');
    assert.equal(roundDecision({ ...base, reviewsSince: '2026-11-30', record: undefined }), 'open', 'the day reviews began counts');
  });

  it('a person whose mandates all began after the round began waits for the next round', () => {
    assert.equal(roundDecision({ ...base, heldSince: '2026-12-01', record: undefined }), 'notDue');
    assert.equal(roundDecision({ ...base, heldSince: '2026-11-30', record: undefined }), 'open');
  });

  it('a review answered less than a quarter cycle before the round (a mover\'s) covers it; an older one does not', () => {
    assert.equal(roundDecision({ ...base, record: { lastReviewedOn: '2026-09-15' } }), 'covered');
    assert.equal(roundDecision({ ...base, record: { lastReviewedOn: '2026-12-02' } }), 'covered', 'answered during the round');
    assert.equal(roundDecision({ ...base, record: { lastReviewedOn: '2026-08-01' } }), 'open');
  });
});

describe('review answers, reminders and progress', () => {
  it('every line must be answered: the missing lines are named, nothing is applied', () => {
    assert.deepEqual(applyAnswers(review(), ['keep']), { missing: [1] });
    assert.deepEqual(applyAnswers(review(), [undefined, undefined]), { missing: [0, 1] });
    const ok = applyAnswers(review(), ['keep', 'revoke']);
    assert.ok('entries' in ok);
    assert.deepEqual(ok.entries.map((e) => e.decision), ['keep', 'revoke']);
  });

  it('overdue after the due day (the day itself is in time); one reminder per due day, only with a manager to remind', () => {
    const t = review({ dueOn: '2026-12-14' });
    assert.equal(isReviewOverdue(t, '2026-12-14'), false);
    assert.equal(isReviewOverdue(t, '2026-12-15'), true);
    assert.equal(needsReviewReminder(t, '2026-12-15'), true);
    assert.equal(needsReviewReminder({ ...t, remindedFor: '2026-12-14' }, '2026-12-20'), false);
    assert.equal(needsReviewReminder({ ...t, managerId: undefined }, '2026-12-20'), false);
    assert.equal(isReviewOverdue({ ...t, status: 'done' }, '2026-12-20'), false);
    assert.equal(isReviewOverdue({ ...t, kind: 'revocation' }, '2026-12-20'), false);
  });

  it('progress per department: open, overdue, answered and revoked lines; overdue departments first', () => {
    const rows = reviewProgress([review(), review({ id: 'x', dueOn: '2026-12-01' }), review({ id: 'y', department: 'Sivistyspalvelut' }), review({ id: 'z', kind: 'revocation' })],
      [{ taskId: 'q', personId: 'q', department: 'Sivistyspalvelut', reason: 'review', answeredOn: '2026-11-01', kept: 1, revoked: 2 }], '2026-12-10');
    assert.deepEqual(rows, [
      { department: 'Konsernipalvelut', open: 2, overdue: 1, answered: 0, revoked: 0 },
      { department: 'Sivistyspalvelut', open: 1, overdue: 0, answered: 1, revoked: 2 },
    ]);
  });
});

describe('who may answer a review', () => {
  const actor = (id: string, isAdministrator = false): Actor => ({ id, isAdministrator, isSignatory: false });
  const facts = { personId: 'p', managerId: 'm' };
  it('the manager asked, or an administrator on their behalf; not the holder, not another employee', () => {
    assert.equal(mayOnReview(actor('m'), 'answerReview', facts), true);
    assert.equal(mayOnReview(actor('a', true), 'answerReview', facts), true);
    assert.equal(mayOnReview(actor('x'), 'answerReview', facts), false);
    assert.equal(mayOnReview(actor('p'), 'answerReview', facts), false);
    assert.equal(mayOnReview(actor('p', true), 'answerReview', facts), false, 'an administrator does not review their own mandates');
    assert.equal(mayOnReview(actor('m'), 'answerReview', { personId: 'p', managerId: null }), false);
  });
});

describe('review card data and the progress command', () => {
  it('reads each line\'s keep or revoke, ignores anything else, redacts a henkilötunnus typed in the comment', () => {
    const input = parseReviewAnswer({ taskId: 'task-rw-p', v: '2026-11-30T08:00:00Z', line0: 'keep', line1: 'revoke', line2: 'delete', line3: 7, comment: ' Siirtyy 010594Y9032 ' });
    assert.deepEqual(input.answers.slice(0, 5), ['keep', 'revoke', undefined, undefined, undefined]);
    assert.equal(input.taskId, 'task-rw-p');
    assert.ok(!input.comment.includes('010594Y9032'));
  });

  it('"tarkistukset", "granskningar", "reviews" ask for the review progress', () => {
    for (const text of ['tarkistukset', 'Granskningar', 'reviews!', 'valtuuksien tarkistukset']) assert.deepEqual(recognise(text), { kind: 'reviewProgress' }, text);
  });
});
