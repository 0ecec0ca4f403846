import assert from 'node:assert/strict';
import { startTestBot, cardText, actionData, PEOPLE, type TestBot } from '../helpers/botHarness';
import type { ConnectorSink } from '../helpers/connectorSink';
import { reviewSweep } from '../../bot/services/reviewSweep';
import { openReviewTask } from '../../bot/services/registerTasks';
import { currentRound } from '../../bot/domain/review';
import { addCalendarDays, addWorkingDays, helsinkiDate } from '../../bot/domain/workdays';
import { TaskStore, mutateTask } from '../../bot/store/taskStore';
import { ReviewStore } from '../../bot/store/reviewStore';
import { SlaWatch } from '../../bot/notify/slaWatch';
import { createLogger } from '../../bot/log';
import type { Grant } from '../../bot/store/grantStore';
import type { SweepDeps } from '../../bot/services/registerSweep';

/** Mikko's three mandates and Sanna's one (both report to Aino), in force for years. */
function entries(): Grant[] {
  const g = (subjectId: string, themeId: string, themeName: string): Grant => ({ subjectId, themeId, themeName, validFrom: '2025-01-01', validUntil: '2029-12-31',
    grantedBy: 'Eija', orderId: '', grantedAt: '2025-01-01T08:00:00.000Z', source: { kind: 'import', file: 'register.xlsx', row: 2 } });
  return [g(PEOPLE.mikko, 'veroilmoittaminen', 'Veroilmoittaminen'), g(PEOPLE.mikko, 'tulorekisteri', 'Tulorekisteri'), g(PEOPLE.mikko, 'kela-tyonantaja', 'Kela työnantaja'),
    g(PEOPLE.sanna, 'tulorekisteri', 'Tulorekisteri')];
}

/** What the bot sent to one person in their 1:1 chat (the sink names new chats a:chat-<n>, n counting its answers). */
function personal(sink: ConnectorSink, userId: string): Array<Record<string, unknown>> {
  const answered = sink.requests.filter((r) => !r.body.__answeredWith);
  const chats = answered.flatMap((r, i) => r.method === 'POST' && /^\/v3\/conversations\/?$/.test(r.path)
    && (r.body.members as Array<{ id: string }> | undefined)?.[0]?.id === userId ? [`/a:chat-${i + 1}/`] : []);
  return sink.sent().filter((r) => chats.some((c) => decodeURIComponent(r.path).includes(c))).map((r) => r.body);
}

const cardOf = (activity: Record<string, unknown>): unknown => (activity.attachments as Array<{ content: unknown }> | undefined)?.[0]?.content;

/** A day's noon in Helsinki (after the digest hour). */
const noon = (day: string): Date => new Date(`${day}T10:00:00Z`);

describe('reviews: every manager reviews their reports\' mandates, keep or revoke per line', function () {
  this.timeout(120_000);
  let bot: TestBot;
  let clock: Date;
  const now = () => clock;
  const deps = (): SweepDeps => bot.app.deps;
  /** A second instance: its own stores on the same tables. */
  const otherInstance = (): SweepDeps => ({ ...bot.app.deps, tasks: new TaskStore(bot.app.tables, { now }), reviews: new ReviewStore(bot.app.tables) });
  /** Mikko's round day: the first sweep runs on it, so reviews begin that day. */
  const mikkoRound = currentRound(PEOPLE.mikko, '2027-03-01', 12);

  beforeEach(async () => {
    clock = noon(mikkoRound);
    bot = await startTestBot({}, { now });
    await bot.app.deps.grants.putMany(entries());
  });
  afterEach(async () => { await bot.stop(); });

  it('a round opens one task per report whose day it is, once across two instances; the manager answers keep and revoke', async () => {
    assert.notEqual(currentRound(PEOPLE.sanna, mikkoRound, 12), mikkoRound, 'the fixture needs Mikko and Sanna on different days');
    const off = await reviewSweep({ ...deps(), config: { ...bot.app.config, register: { ...bot.app.config.register, reviewMonths: 0 } } }, mikkoRound);
    assert.deepEqual(off, { reminders: 0, overdue: 0 }, 'REVIEW_MONTHS=0 opens nothing');
    assert.deepEqual(await bot.app.deps.tasks.listOpen({ kind: 'review' }), []);

    const [a, b] = await Promise.all([reviewSweep(deps(), mikkoRound), reviewSweep(otherInstance(), mikkoRound)]);
    assert.equal((a.opened ?? 0) + (b.opened ?? 0), 1, JSON.stringify([a, b]));
    const open = await bot.app.deps.tasks.listOpen({ kind: 'review' });
    assert.deepEqual(open.map((t) => [t.personId, t.managerId, t.reason, t.entries.length]), [[PEOPLE.mikko, PEOPLE.aino, 'review', 3]], 'Sanna\'s day is another');
    const task = open[0];
    assert.equal(task.dueOn, addWorkingDays(mikkoRound, 10));
    assert.equal((await reviewSweep(deps(), mikkoRound)).opened, 0, 'a second sweep the same day opens nothing');

    // The card reaches Aino personally.
    await bot.sink.waitFor(() => personal(bot.sink, PEOPLE.aino).some((m) => cardText(cardOf(m)).includes('Valtuuksien tarkistus: Mikko Virtanen')));
    const delivered = cardOf(personal(bot.sink, PEOPLE.aino).find((m) => cardText(cardOf(m)).includes('Valtuuksien tarkistus'))!);
    assert.match(cardText(delivered), /Kela työnantaja[\s\S]*Pidä[\s\S]*Mitätöi/);
    const data = actionData(delivered, 'review.answer');
    const lineOf = (name: string) => `line${task.entries.findIndex((e) => e.themeName === name)}`;
    const answer = { ...data, [lineOf('Veroilmoittaminen')]: 'keep', [lineOf('Tulorekisteri')]: 'revoke', [lineOf('Kela työnantaja')]: 'keep', comment: 'Tulorekisteri siirtyy Sannalle.' };

    // Someone else's answer is refused; a half answer is sent back with what is missing; nothing is written.
    assert.match(cardText(await bot.execute(PEOPLE.sanna, 'review.answer', answer)), /Sinulla ei ole oikeutta/);
    const half = await bot.execute(PEOPLE.aino, 'review.answer', { ...data, [lineOf('Veroilmoittaminen')]: 'keep' });
    assert.match(cardText(half), /Vastaus puuttuu: Tulorekisteri, Kela työnantaja|Vastaus puuttuu: Kela työnantaja, Tulorekisteri/);
    assert.equal((await bot.app.deps.tasks.get(task.id))?.task.status, 'open');
    assert.deepEqual((await bot.app.deps.tasks.auditTrail(task.id)).filter((e) => e.action.startsWith('denied')).map((e) => e.actorId), [PEOPLE.sanna], 'the refusal is audited');

    const done = cardText(await bot.execute(PEOPLE.aino, 'review.answer', answer));
    assert.match(done, /Kiitos! Henkilön Mikko Virtanen valtuudet on tarkistettu/);
    assert.match(done, /Mitätöidään: Tulorekisteri\. Pääkäyttäjät/);
    const stored = (await bot.app.deps.tasks.get(task.id))!.task;
    assert.equal(stored.status, 'done');
    assert.equal(stored.doneBy, PEOPLE.aino);
    assert.equal(stored.comment, 'Tulorekisteri siirtyy Sannalle.');
    assert.deepEqual(Object.fromEntries(stored.entries.map((e) => [e.themeName, e.decision])), { Veroilmoittaminen: 'keep', Tulorekisteri: 'revoke', 'Kela työnantaja': 'keep' });

    const revocations = await bot.app.deps.tasks.listOpen({ kind: 'revocation' });
    assert.equal(revocations.length, 1);
    assert.deepEqual(revocations[0].entries.map((e) => e.themeName), ['Tulorekisteri'], 'only the revoked line');
    assert.equal(revocations[0].reason, 'reviewRevoke');
    assert.equal(revocations[0].parentId, task.id);
    const kept = await bot.app.deps.grants.listFor(PEOPLE.mikko);
    assert.equal(kept.length, 3);
    assert.ok(kept.every((g) => !g.revokedAt), 'the register changes when the administrators record the revocation, not before');
    assert.equal((await bot.app.deps.reviews.record(PEOPLE.mikko))?.lastReviewedOn, mikkoRound);
    assert.deepEqual(await bot.app.deps.reviews.pending(), [], 'the follow-up ran: nothing owed');
    const audit = await bot.app.deps.tasks.auditTrail(task.id);
    assert.deepEqual(audit.filter((e) => e.action === 'reviewAnswered').map((e) => [e.actorId, e.detail, e.reason]), [[PEOPLE.aino, 'keep 2, revoke 1', undefined]]);

    // The old card clicked again: a clear answer, nothing written twice.
    assert.match(cardText(await bot.execute(PEOPLE.aino, 'review.answer', answer)), /on jo vastattu/);
    assert.equal((await bot.app.deps.tasks.auditTrail(task.id)).filter((e) => e.action === 'reviewAnswered').length, 1);
    assert.equal((await bot.app.deps.tasks.listOpen({ kind: 'revocation' })).length, 1);

    // The revocation card reaches the administrators' channel.
    await bot.sink.waitFor(() => bot.sink.allText().includes('Mitätöi valtuudet: Mikko Virtanen'));

    // The administrators' progress view counts it.
    await bot.message(PEOPLE.eija, 'tarkistukset');
    await bot.sink.waitFor(() => bot.sink.allText().includes('Valtuuksien tarkistukset'));
    assert.match(bot.sink.allText(), /Konsernipalvelut: avoinna 0 \(myöhässä 0\), vastattu 1, mitätöitäväksi 1/);
  });

  it('an unanswered review: one reminder after its answer days, across instances; in the digest; answered by an administrator on the manager\'s behalf', async () => {
    await reviewSweep(deps(), mikkoRound); // reviews begin (Mikko's task opens)
    const sannaRound = addCalendarDays(currentRound(PEOPLE.sanna, mikkoRound, 12), 365);
    clock = noon(sannaRound);
    assert.equal((await reviewSweep(deps(), sannaRound)).opened, 1);
    const task = (await bot.app.deps.tasks.listOpen({ kind: 'review', personId: PEOPLE.sanna }))[0];
    assert.ok(task);

    clock = noon(task.dueOn);
    assert.equal((await reviewSweep(deps(), task.dueOn)).reminders, 0, 'the due day is still in time');
    const after = addCalendarDays(task.dueOn, 1);
    clock = noon(after);
    const [a, b] = await Promise.all([reviewSweep(deps(), after), reviewSweep(otherInstance(), after)]);
    assert.ok((a.reminders ?? 0) + (b.reminders ?? 0) >= 1);
    assert.equal((await reviewSweep(deps(), addCalendarDays(after, 3))).reminders, 0, 'once');
    assert.equal((await bot.app.deps.tasks.get(task.id))?.task.remindedFor, task.dueOn);
    await bot.sink.waitFor(() => personal(bot.sink, PEOPLE.aino).some((m) => JSON.stringify(m).includes('Muistutus: tarkista henkilön Sanna')));
    const reminders = personal(bot.sink, PEOPLE.aino).filter((m) => JSON.stringify(m).includes('Muistutus: tarkista henkilön Sanna'));
    assert.equal(reminders.length, 1, 'one reminder to the manager');
    assert.equal((await bot.app.deps.tasks.auditTrail(task.id)).filter((e) => e.action === 'reviewReminder').length, 1);

    // The administrators' daily digest names the overdue review (a working day after the digest hour).
    const digestDay = addWorkingDays(after, 1);
    clock = noon(digestDay);
    const posted: unknown[] = [];
    const watch = new SlaWatch({ deps: bot.app.deps, log: createLogger('silent'), postDigest: async (c) => { posted.push(c); } });
    assert.equal((await watch.runOnce()).digest, true);
    assert.match(cardText(posted[0]), /Myöhässä olevat valtuuksien tarkistukset \(/);
    assert.match(cardText(posted[0]), /Sanna [^\n]*esihenkilö Aino/);

    // An administrator answers on Aino's behalf: audited as such, Aino told.
    const data = { taskId: task.id, v: task.createdAt, line0: 'keep' };
    assert.match(cardText(await bot.execute(PEOPLE.eija, 'review.answer', data)), /Kaikki valtuudet pidetään[\s\S]*puolesta/);
    const audit = (await bot.app.deps.tasks.auditTrail(task.id)).filter((e) => e.action === 'reviewAnswered');
    assert.deepEqual(audit.map((e) => [e.actorId, e.reason]), [[PEOPLE.eija, 'onBehalfOfManager']]);
    assert.deepEqual(await bot.app.deps.tasks.listOpen({ kind: 'revocation', personId: PEOPLE.sanna }), [], 'all kept: nothing to revoke');
    await bot.sink.waitFor(() => personal(bot.sink, PEOPLE.aino).some((m) => JSON.stringify(m).includes('Henkilön Sanna')
      && JSON.stringify(m).includes('valtuudet on tarkistettu')));
    assert.equal(helsinkiDate(now()), digestDay);
  });

  /** The answer as a crash leaves it: the review done with a revoke, its pending mark written, no follow-up. */
  async function crashedAnswer() {
    await reviewSweep(deps(), mikkoRound);
    const task = (await bot.app.deps.tasks.listOpen({ kind: 'review' }))[0];
    await bot.app.deps.reviews.markPending(task.id, clock.toISOString());
    await mutateTask(bot.app.deps.tasks, task.id, (t) => ({ task: { ...t, status: 'done', doneAt: clock.toISOString(), doneBy: PEOPLE.aino,
      entries: t.entries.map((e, i) => ({ ...e, decision: i === 0 ? 'revoke' as const : 'keep' as const })) } }));
    assert.deepEqual(await bot.app.deps.tasks.listOpen({ kind: 'revocation' }), []);
    return task;
  }

  const revokedThemes = async () => (await bot.app.deps.tasks.listOpen({ kind: 'revocation' })).map((t) => t.entries.map((e) => e.themeName));

  it('an answer whose follow-up a crash cut off is completed by the next sweep, once', async () => {
    const task = await crashedAnswer();
    const next = addCalendarDays(mikkoRound, 1);
    clock = noon(next);
    assert.equal((await reviewSweep(deps(), next)).repaired, 1);
    assert.deepEqual(await revokedThemes(), [[task.entries[0].themeName]]);
    assert.equal((await bot.app.deps.reviews.record(PEOPLE.mikko))?.lastReviewedOn, mikkoRound);
    assert.equal((await reviewSweep(deps(), next)).repaired, undefined, 'nothing owed any more');
    assert.deepEqual(await revokedThemes(), [[task.entries[0].themeName]]);
  });

  it('… or when the card is clicked again (the stored answer stands)', async () => {
    const task = await crashedAnswer();
    const again = await bot.execute(PEOPLE.aino, 'review.answer', { taskId: task.id, v: task.createdAt, line0: 'keep', line1: 'keep', line2: 'keep' });
    assert.match(cardText(again), /on jo vastattu/);
    assert.deepEqual(await revokedThemes(), [[task.entries[0].themeName]]);
    assert.deepEqual(await bot.app.deps.reviews.pending(), []);
  });

  it('a mover\'s review (opened directly) is answered with the same card, and covers the periodic round that follows soon', async () => {
    const movedOn = addCalendarDays(mikkoRound, -10);
    clock = noon(movedOn);
    const mikko = (await bot.app.deps.directory.getUser(PEOPLE.mikko))!;
    const opened = await openReviewTask(bot.app.deps, { person: mikko, entries: entries().filter((g) => g.subjectId === PEOPLE.mikko), reason: 'moved',
      dueOn: addWorkingDays(movedOn, 10), managerId: PEOPLE.aino, key: `moved-${movedOn}` });
    assert.equal(opened.kind, 'opened');
    await bot.sink.waitFor(() => personal(bot.sink, PEOPLE.aino).some((m) => cardText(cardOf(m)).includes('siirtynyt toiseen tehtävään')));
    const delivered = cardOf(personal(bot.sink, PEOPLE.aino).find((m) => cardText(cardOf(m)).includes('siirtynyt toiseen tehtävään'))!);
    const answer = { ...actionData(delivered, 'review.answer'), line0: 'keep', line1: 'keep', line2: 'keep' };
    assert.match(cardText(await bot.execute(PEOPLE.aino, 'review.answer', answer)), /Kaikki valtuudet pidetään/);
    assert.equal(opened.kind === 'opened' && (await bot.app.deps.tasks.get(opened.task.id))?.task.status, 'done');
    assert.deepEqual(await bot.app.deps.tasks.listOpen({ kind: 'revocation' }), []);

    // Ten days later Mikko's periodic round: covered by the mover's review, Aino is not asked again.
    clock = noon(mikkoRound);
    const counts = await reviewSweep(deps(), mikkoRound);
    assert.equal(counts.covered, 1);
    assert.equal(counts.opened, 0);
    assert.deepEqual(await bot.app.deps.tasks.listOpen({ kind: 'review' }), []);
  });
});
