import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../bot/log';
import { OutboxDispatcher } from '../../bot/notify/dispatcher';
import { OutboxStore } from '../../bot/store/outboxStore';
import { BotConnectorMessenger } from '../../bot/notify/messenger';
import { createRenderer } from '../../bot/presenters/notifications';
import { directorySweep } from '../../bot/services/directorySweep';
import type { SweepDeps } from '../../bot/services/registerSweep';
import { TaskStore } from '../../bot/store/taskStore';
import { DirectoryStateStore } from '../../bot/store/directoryState';
import type { Grant } from '../../bot/store/grantStore';
import { helsinkiDate } from '../../bot/domain/workdays';
import { registerState } from '../../bot/domain/register';
import { FileDirectory } from '../../graph/fileDirectory';
import { GraphDirectory } from '../../graph/graphDirectory';
import type { RunningApp } from '../../bot/main';
import { startTestBot, actionData, cardText, PEOPLE, ADMIN_CHANNEL, TENANT, type TestBot } from '../helpers/botHarness';
import type { ConnectorSink } from '../helpers/connectorSink';
import { FAKE_GROUP_IDS, FakeGraph, FakeTokenCredential, loadSampleOrg, type SampleOrg } from '../helpers/fakeGraph';

/** The clock the app and the sweeps read: a Helsinki working day at 10:00 unless a test moves it. */
class Clock {
  constructor(public at: Date) {}
  now = (): Date => this.at;
  day(iso: string): void { this.at = new Date(`${iso}T08:00:00Z`); }
}

function dispatcherFor(app: RunningApp, sink: ConnectorSink): OutboxDispatcher {
  const deps = app.deps;
  return new OutboxDispatcher({
    store: new OutboxStore(app.tables, { now: deps.now }), orders: deps.orders, tasks: deps.tasks, log: createLogger('silent'),
    messenger: new BotConnectorMessenger({ adapter: app.adapter, appId: '', tenantId: () => TENANT, serviceUrl: () => sink.url }),
    render: createRenderer({ directory: deps.directory, users: deps.users, adminLang: 'fi' }),
    adminChannelId: () => ADMIN_CHANNEL,
    personalReference: async (userId) => ({ userId }),
    now: () => deps.now().getTime(),
  });
}

async function themeNames(app: RunningApp): Promise<ReadonlyMap<string, { name: { fi: string } }>> {
  return app.deps.catalog.themes() as unknown as Promise<ReadonlyMap<string, { name: { fi: string } }>>;
}

async function grant(app: RunningApp, subjectId: string, themeId: string, validFrom: string, validUntil: string): Promise<Grant> {
  const theme = (await themeNames(app)).get(themeId);
  assert.ok(theme, `theme ${themeId} in the catalog`);
  const g: Grant = { subjectId, themeId, themeName: theme.name.fi, validFrom, validUntil, grantedBy: 'Eija', orderId: '',
    grantedAt: '2025-01-01T10:00:00.000Z', source: { kind: 'import', file: 'rekisteri.csv', row: 2 } };
  await app.deps.grants.put(g);
  return g;
}

/** The Adaptive Card inside a connector request (a new conversation's activity, or an activity). */
function adaptiveCardIn(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(adaptiveCardIn).find((c) => c !== undefined);
  if (!body || typeof body !== 'object') return undefined;
  const o = body as Record<string, unknown>;
  return o.type === 'AdaptiveCard' ? o : Object.values(o).map(adaptiveCardIn).find((c) => c !== undefined);
}

const PAYROLL = ['palkkatietojen-ilmoittaminen', 'palkkatietojen-katselu', 'palvelussuhteeseen-liittyvien-etuuspaatosten-tarkastelu'];

/** A temporary copy of the sample organisation the test may edit (DIRECTORY_FILE). */
function tempOrg(): { file: string; edit(change: (org: SampleOrg) => void): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vb-org-'));
  const file = path.join(dir, 'org.json');
  fs.writeFileSync(file, JSON.stringify(loadSampleOrg(), null, 2));
  let bump = 0;
  return {
    file,
    edit(change) {
      const org = JSON.parse(fs.readFileSync(file, 'utf8')) as SampleOrg;
      change(org);
      fs.writeFileSync(file, JSON.stringify(org, null, 2));
      // A later modification time, so a change within the same millisecond is still a change on disk.
      const t = new Date(Date.now() + 1000 * ++bump);
      fs.utimesSync(file, t, t);
    },
  };
}

/** Another instance's view of the same storage: its own stores and its own reading of the organisation file. */
function secondInstance(app: RunningApp, file: string, clock: Clock): SweepDeps {
  return { ...app.deps, directory: FileDirectory.fromFile(file), tasks: new TaskStore(app.tables, { now: clock.now }), directoryState: new DirectoryStateStore(app.tables) };
}

describe('leavers and movers from the directory (register sweep, step "directory")', function () {
  this.timeout(120_000);
  let bot: TestBot;
  let org: ReturnType<typeof tempOrg>;
  let clock: Clock;
  beforeEach(async () => {
    org = tempOrg();
    clock = new Clock(new Date('2026-12-01T08:00:00Z'));
    bot = await startTestBot({ DIRECTORY_FILE: org.file }, { now: clock.now });
    await bot.app.dispatcher.stop();
  });
  afterEach(async () => { await bot.stop(); });

  const today = () => helsinkiDate(clock.now());

  it('a leaver with three mandates → one revocation task (two instances, two sweeps); an administrator confirms → register revoked, audited, manager told; a second click changes nothing', async () => {
    const { app, sink } = bot;
    for (const themeId of PAYROLL) await grant(app, PEOPLE.mikko, themeId, '2025-01-01', '2027-12-31');
    const ended = await grant(app, PEOPLE.mikko, 'veroilmoittaminen', '2024-01-01', '2025-12-31');

    const baseline = await directorySweep(app.deps, today());
    assert.equal(baseline.baseline, 35, 'the first run records everyone');
    assert.equal(baseline.revocationTasks, 0);
    assert.equal((await directorySweep(app.deps, today())).changed, 0, 'an unchanged file is not read again');

    org.edit((o) => { const m = o.users.find((u) => u.id === PEOPLE.mikko); if (m) m.accountEnabled = false; });
    const [a, b] = await Promise.all([directorySweep(app.deps, today()), directorySweep(secondInstance(app, org.file, clock), today())]);
    assert.equal(a.leavers + b.leavers >= 1, true);
    assert.equal(a.revocationTasks + b.revocationTasks, 1, 'one task however many instances sweep');
    await directorySweep(app.deps, today());
    const open = await app.deps.tasks.listOpen({ kind: 'revocation' });
    assert.equal(open.length, 1);
    const task = open[0];
    assert.equal(task.personId, PEOPLE.mikko);
    assert.equal(task.reason, 'left');
    assert.equal(task.dueOn, '2026-12-01');
    assert.equal(task.managerId, PEOPLE.aino);
    assert.deepEqual(task.entries.map((e) => e.themeId).sort(), [...PAYROLL].sort(), 'every entry in force, not the one that ended');

    assert.equal(await dispatcherFor(app, sink).runOnce(), 1);
    const posted = sink.created().filter((r) => JSON.stringify(r.body).includes('Mitätöi valtuudet: Mikko Virtanen'));
    assert.equal(posted.length, 1, 'the card is in the administrators\' channel');
    const cardBody = adaptiveCardIn(posted[0].body);
    const shown = cardText(cardBody);
    assert.match(shown, /Konsernipalvelut/);
    assert.match(shown, /Mitätöi/);
    assert.doesNotMatch(JSON.stringify(cardBody), /\d{6}[-+A]\d{3}[0-9A-Y]/, 'no henkilötunnus anywhere');
    const data = actionData(cardBody, 'task.revoke');
    assert.deepEqual(Object.keys(data).sort(), ['taskId', 'v'], 'the card carries the task id and version only');

    const refused = await bot.execute(PEOPLE.sanna, 'task.revoke', { ...data, revokedOn: today() });
    assert.match(cardText(refused), /Sinulla ei ole oikeutta|Vain valtuushallinnoijat/);
    const future = await bot.execute(PEOPLE.eija, 'task.revoke', { ...data, revokedOn: '2026-12-02' });
    assert.match(cardText(future), /tulevaisuudessa/);
    assert.ok((await app.deps.grants.listFor(PEOPLE.mikko)).every((g) => !g.revokedAt), 'nothing written for a refused click');
    assert.deepEqual((await app.deps.tasks.auditTrail(task.id)).filter((e) => e.action.startsWith('denied')).map((e) => [e.action, e.actorId]),
      [['denied:revokeTask', PEOPLE.sanna]], 'the refused click is audited');
    assert.equal((await app.deps.tasks.get(task.id))?.task.status, 'open');

    const done = await bot.execute(PEOPLE.eija, 'task.revoke', { ...data, revokedOn: '2026-11-30' });
    assert.match(cardText(done), /merkittiin mitätöidyiksi/);
    const entries = await app.deps.grants.listFor(PEOPLE.mikko);
    for (const g of entries.filter((e) => PAYROLL.includes(e.themeId))) {
      assert.equal(g.revokedAt?.slice(0, 10), '2026-11-30');
      assert.equal(g.revokedBy, PEOPLE.eija);
      assert.equal(registerState(g, today()), 'revoked');
    }
    assert.equal(entries.find((e) => e.themeId === ended.themeId)?.revokedAt, undefined, 'the ended entry is left as it was');
    const stored = await app.deps.tasks.get(task.id);
    assert.equal(stored?.task.status, 'done');
    assert.ok(stored?.task.entries.every((e) => e.revokedOn === '2026-11-30'));

    const again = await bot.execute(PEOPLE.camilla, 'task.revoke', { ...data, revokedOn: today() });
    assert.match(cardText(again), /redan gjord/, 'in the second administrator\'s own language (Swedish)');
    assert.ok((await app.deps.grants.listFor(PEOPLE.mikko)).filter((g) => PAYROLL.includes(g.themeId)).every((g) => g.revokedBy === PEOPLE.eija && g.revokedAt?.startsWith('2026-11-30')));
    const trail = await app.deps.tasks.auditTrail(task.id);
    assert.equal(trail.filter((e) => e.action === 'taskRevoked').length, 1, 'audited once');
    assert.equal(trail.find((e) => e.action === 'taskRevoked')?.actorId, PEOPLE.eija);

    assert.equal(await dispatcherFor(app, sink).runOnce(), 3, 'card redrawn, thread reply, manager told');
    assert.equal(sink.updates().length, 1, 'the channel card updated in place');
    assert.match(JSON.stringify(sink.updates()[0].body), /tehty/);
    assert.ok(sink.sent().some((r) => JSON.stringify(r.body).includes('merkitsi valtuudet mitätöidyiksi (30.11.2026)')), 'thread reply');
    const toManager = sink.sent().filter((r) => JSON.stringify(r.body).includes('on mitätöity Suomi.fi:ssä'));
    assert.equal(toManager.length, 1, 'the manager is told once');
    assert.deepEqual(await app.deps.tasks.listOpen({ kind: 'revocation' }), []);
  });

  it('an open revocation task not done within one working day after its due day is reminded, once, in its thread and to the administrators', async () => {
    const { app, sink } = bot;
    await grant(app, PEOPLE.mikko, PAYROLL[0], '2025-01-01', '2027-12-31');
    clock.day('2026-12-03'); // Thursday
    await directorySweep(app.deps, today());
    org.edit((o) => { o.users = o.users.filter((u) => u.id !== PEOPLE.mikko || false); for (const u of o.users) if (u.managerId === PEOPLE.mikko) u.managerId = null; });
    const opened = await directorySweep(app.deps, today());
    assert.equal(opened.revocationTasks, 1, 'gone from the file = left');
    assert.equal((await app.deps.tasks.listOpen({ kind: 'revocation' }))[0].personName, 'Mikko Virtanen', 'the name remembered from before');
    await dispatcherFor(app, sink).runOnce();
    const before = sink.sent().length;

    clock.day('2026-12-04'); // Friday: the one working day the administrators have
    assert.equal((await directorySweep(app.deps, today())).reminders, 0, 'not yet on the working day given');
    clock.day('2026-12-07'); // Monday: Friday passed without it being done
    const [x, y] = await Promise.all([directorySweep(app.deps, today()), directorySweep(secondInstance(app, org.file, clock), today())]);
    assert.equal(x.reminders + y.reminders, 1, 'one reminder across two instances');
    clock.day('2026-12-08');
    assert.equal((await directorySweep(app.deps, today())).reminders, 0, 'once per due day');
    await dispatcherFor(app, sink).runOnce();
    const after = sink.sent().slice(before).map((r) => JSON.stringify(r.body));
    assert.equal(after.filter((t) => t.includes('Muistutus: tehtävä on ollut avoinna')).length, 1, 'in the thread');
    assert.equal(after.filter((t) => t.includes('Muistutus: henkilön Mikko Virtanen')).length, 2, 'to each of the two administrators');
  });

  it('a reminder waits for the working day: a task due on Friday is not reminded on Saturday or Sunday', async () => {
    const { app } = bot;
    await grant(app, PEOPLE.mikko, PAYROLL[0], '2025-01-01', '2027-12-31');
    clock.day('2026-12-04'); // Friday
    await directorySweep(app.deps, today());
    org.edit((o) => { const m = o.users.find((u) => u.id === PEOPLE.mikko); if (m) m.accountEnabled = false; });
    await directorySweep(app.deps, today());
    clock.day('2026-12-05');
    assert.equal((await directorySweep(app.deps, today())).reminders, 0);
    clock.day('2026-12-06');
    assert.equal((await directorySweep(app.deps, today())).reminders, 0);
    clock.day('2026-12-07'); // Monday: the working day the administrators have
    assert.equal((await directorySweep(app.deps, today())).reminders, 0);
    clock.day('2026-12-08'); // Tuesday: overdue
    assert.equal((await directorySweep(app.deps, today())).reminders, 1);
  });

  it('a leave day in the organisation file (employeeLeaveDateTime) opens the task ahead, due on that day, reminded only after it', async () => {
    const { app } = bot;
    await grant(app, PEOPLE.mikko, PAYROLL[0], '2025-01-01', '2027-12-31');
    await directorySweep(app.deps, today());
    org.edit((o) => { const m = o.users.find((u) => u.id === PEOPLE.mikko) as Record<string, unknown> | undefined; if (m) m.employeeLeaveDateTime = '2026-12-18T00:00:00Z'; });
    assert.equal((await directorySweep(app.deps, today())).revocationTasks, 1, 'still enabled, but leaving');
    const [task] = await app.deps.tasks.listOpen({ kind: 'revocation' });
    assert.equal(task.dueOn, '2026-12-18');
    clock.day('2026-12-21');
    assert.equal((await directorySweep(app.deps, today())).reminders, 0, 'the working day after the leave day is given');
    org.edit((o) => { const m = o.users.find((u) => u.id === PEOPLE.mikko); if (m) m.accountEnabled = false; });
    assert.equal((await directorySweep(app.deps, today())).revocationTasks, 0, 'the account disabled later: the same leaver, no second task');
    clock.day('2026-12-22');
    assert.equal((await directorySweep(app.deps, today())).reminders, 1);
    org.edit((o) => { const m = o.users.find((u) => u.id === PEOPLE.mikko) as Record<string, unknown> | undefined; if (m) { delete m.employeeLeaveDateTime; m.accountEnabled = true; } });
    await directorySweep(app.deps, today());
    assert.equal((await app.deps.directoryState.getMany([PEOPLE.mikko])).get(PEOPLE.mikko)?.leaveDate, undefined, 'a leave day taken out of the file is forgotten');
  });

  it('a mover → a review task for the NEW manager with only the themes the new role\'s map does not cover', async () => {
    const { app } = bot;
    for (const themeId of PAYROLL) await grant(app, PEOPLE.mikko, themeId, '2025-01-01', '2027-12-31');
    await directorySweep(app.deps, today());
    org.edit((o) => {
      const m = o.users.find((u) => u.id === PEOPLE.mikko);
      if (m) { m.jobTitle = 'Henkilöstöasiantuntija'; m.managerId = PEOPLE.kaarina; }
    });
    const counts = await directorySweep(app.deps, today());
    assert.equal(counts.movers, 1);
    assert.equal(counts.reviewTasks, 1);
    const [review] = await app.deps.tasks.listOpen({ kind: 'review' });
    assert.equal(review.reason, 'moved');
    assert.equal(review.managerId, PEOPLE.kaarina, 'the new manager');
    assert.deepEqual(review.entries.map((e) => e.themeId).sort(), ['palkkatietojen-ilmoittaminen', 'palkkatietojen-katselu'],
      'the theme the new role still needs is not asked about');
    assert.deepEqual(await app.deps.tasks.listOpen({ kind: 'revocation' }), [], 'a mover is no leaver');
    assert.equal((await directorySweep(app.deps, today())).reviewTasks, 0, 'no second task for the same move');
  });
});

describe('leavers and movers through Microsoft Graph\'s users delta (the fake Graph, the real client)', function () {
  this.timeout(120_000);
  let bot: TestBot;
  let fake: FakeGraph;
  const clock = new Clock(new Date('2026-12-01T08:00:00Z'));
  beforeEach(async () => {
    fake = await FakeGraph.start({ pageSize: 4 });
    bot = await startTestBot({}, { now: clock.now });
    await bot.app.dispatcher.stop();
  });
  afterEach(async () => { await bot.stop(); await fake.close(); });

  it('pages through the first round, keeps the deltaLink, reads @removed and a changed manager from it next time, and starts over on 410', async () => {
    const { app } = bot;
    const directory = new GraphDirectory({ credential: new FakeTokenCredential(), groupIds: FAKE_GROUP_IDS, baseUrl: fake.baseUrl, cacheTtlMs: 0 });
    const deps: SweepDeps = { ...app.deps, directory };
    for (const themeId of PAYROLL) await grant(app, PEOPLE.mikko, themeId, '2025-01-01', '2027-12-31');
    for (const themeId of PAYROLL) await grant(app, PEOPLE.sanna, themeId, '2025-01-01', '2027-12-31');
    const today = helsinkiDate(clock.now());

    const first = await directorySweep(deps, today);
    assert.equal(first.baseline, 35);
    const firstRound = fake.requestsTo('/v1.0/users/delta');
    assert.equal(firstRound.length, 9, '35 users, 4 a page');
    assert.deepEqual(firstRound[0].query.$select.split(',').sort(), ['accountEnabled', 'department', 'displayName', 'id', 'jobTitle', 'manager', 'officeLocation']);
    assert.ok(firstRound.slice(1).every((r) => r.query.$skiptoken), 'the next pages follow @odata.nextLink');

    fake.reset();
    fake.removeUser(PEOPLE.mikko);
    fake.updateUser(PEOPLE.sanna, { managerId: PEOPLE.kaarina, jobTitle: 'Henkilöstöasiantuntija' });
    fake.updateUser(PEOPLE.johan, { accountEnabled: false });
    fake.updateUser(PEOPLE.camilla, { displayName: 'Camilla Uusi' });
    fake.updateUser(PEOPLE.eija, { department: 'Konsernipalvelut' });
    const second = await directorySweep(deps, today);
    const deltaRound = fake.requestsTo('/v1.0/users/delta');
    assert.ok(deltaRound[0].query.$deltatoken, 'the stored deltaLink is reused');
    assert.equal(deltaRound.length, 2, 'five changes, 4 a page');
    assert.equal(second.leavers, 2, 'the deleted user and the disabled one');
    assert.equal(second.revocationTasks, 1, 'only the leaver who holds mandates gets a task');
    assert.equal(second.movers, 1);
    assert.equal(second.reviewTasks, 1);
    const [revocation] = await app.deps.tasks.listOpen({ kind: 'revocation' });
    assert.equal(revocation.personId, PEOPLE.mikko);
    assert.equal(revocation.personName, 'Mikko Virtanen', 'a deleted user is named as remembered');
    assert.equal(revocation.managerId, PEOPLE.aino);
    const [review] = await app.deps.tasks.listOpen({ kind: 'review' });
    assert.equal(review.personId, PEOPLE.sanna);
    assert.equal(review.managerId, PEOPLE.kaarina, 'the new manager, from manager@delta');
    assert.equal(review.entries.length, 2);

    fake.reset();
    const third = await directorySweep(deps, today);
    assert.equal(third.changed, 0);
    assert.equal(fake.requestsTo('/v1.0/users/delta').length, 1);
    assert.notEqual(fake.requestsTo('/v1.0/users/delta')[0].query.$deltatoken, deltaRound[0].query.$deltatoken, 'the newer deltaLink was kept');

    fake.expireDeltaLinks();
    fake.reset();
    const resync = await directorySweep(deps, today);
    const requests = fake.requestsTo('/v1.0/users/delta');
    assert.equal(requests[0].query.$deltatoken !== undefined && requests[1].query.$deltatoken === undefined, true, '410, then a full round');
    assert.equal(resync.changed, 0, 'a full round that matches the remembered directory changes nothing');
    assert.equal((await app.deps.tasks.listOpen()).length, 2);
  });

  it('with DIRECTORY_LEAVE_DATE the delta also selects employeeLeaveDateTime: the task is due on the leave day', async () => {
    const { app } = bot;
    const directory = new GraphDirectory({ credential: new FakeTokenCredential(), groupIds: FAKE_GROUP_IDS, baseUrl: fake.baseUrl, cacheTtlMs: 0, leaveDate: true });
    const deps: SweepDeps = { ...app.deps, directory };
    await grant(app, PEOPLE.mikko, PAYROLL[0], '2025-01-01', '2027-12-31');
    await directorySweep(deps, '2026-12-01');
    assert.ok(fake.requestsTo('/v1.0/users/delta')[0].query.$select.split(',').includes('employeeLeaveDateTime'));
    fake.updateUser(PEOPLE.mikko, { employeeLeaveDateTime: '2026-12-30T22:00:00Z' });
    assert.equal((await directorySweep(deps, '2026-12-01')).revocationTasks, 1);
    const [task] = await app.deps.tasks.listOpen({ kind: 'revocation' });
    assert.equal(task.dueOn, '2026-12-31', 'the leave instant as the Helsinki day');
  });
});
