import assert from 'node:assert/strict';
import type { RunningApp } from '../../bot/main';
import { createLogger } from '../../bot/log';
import { OutboxDispatcher } from '../../bot/notify/dispatcher';
import { OutboxStore } from '../../bot/store/outboxStore';
import { BotConnectorMessenger } from '../../bot/notify/messenger';
import { createRenderer } from '../../bot/presenters/notifications';
import { mutateTask } from '../../bot/store/taskStore';
import { taskId, type RegisterTask } from '../../bot/domain/registerTask';
import { uniquePrefix } from '../helpers/azurite';
import { ConnectorSink } from '../helpers/connectorSink';
import { PEOPLE, ADMIN_CHANNEL, TENANT, appWithoutDelivery } from '../helpers/botHarness';

function dispatcherFor(app: RunningApp, sink: ConnectorSink): OutboxDispatcher {
  const deps = app.deps;
  return new OutboxDispatcher({
    store: new OutboxStore(app.tables), orders: deps.orders, tasks: deps.tasks, log: createLogger('silent'),
    messenger: new BotConnectorMessenger({ adapter: app.adapter, appId: '', tenantId: () => TENANT, serviceUrl: () => sink.url }),
    render: createRenderer({ directory: deps.directory, users: deps.users, adminLang: 'fi' }),
    adminChannelId: () => ADMIN_CHANNEL,
    personalReference: async (userId) => ({ userId }),
  });
}

function revocationTask(personId: string, day: string): RegisterTask {
  return {
    id: taskId('revocation', personId, day), kind: 'revocation', reason: 'left', personId, personName: 'Mikko Virtanen',
    department: 'Konsernipalvelut', managerId: PEOPLE.aino, createdAt: `${day}T08:00:00.000Z`, dueOn: day, status: 'open',
    adminCard: null, unreachable: [],
    entries: [
      { themeId: 'a', themeName: 'Veroilmoittaminen', validFrom: '2025-01-01', validUntil: '2027-12-31' },
      { themeId: 'b', themeName: 'Tulorekisteri', validFrom: '2025-01-01', validUntil: '2027-12-31' },
    ],
  };
}

const channelPosts = (sink: ConnectorSink, text: string) =>
  sink.created().filter((r) => !r.body.__answeredWith && JSON.stringify(r.body).includes(text) && (r.body.channelData as { channel?: unknown })?.channel);

describe('register tasks and notices go out through the outbox like orders', function () {
  this.timeout(90_000);
  let sink: ConnectorSink;
  let app: RunningApp;
  beforeEach(async () => { sink = await ConnectorSink.start(); app = await appWithoutDelivery(uniquePrefix('tasks'), sink); });
  afterEach(async () => { await app.stop(); await sink.close(); });

  it('a task opened twice (two instances, same day) is one task; its card is posted once, adopted, then updated in place', async () => {
    const task = revocationTask(PEOPLE.mikko, '2026-11-30');
    const outbox = [{ kind: 'taskCard' as const, taskId: task.id }, { kind: 'taskPersonal' as const, taskId: task.id, recipientId: PEOPLE.aino, event: 'opened' as const }];
    const audit = [{ at: task.createdAt, actorId: 'system', action: 'taskOpened', from: '', to: 'open' }];
    const results = await Promise.all([app.deps.tasks.create(task, audit, outbox), app.deps.tasks.create(task, audit, outbox)]);
    assert.deepEqual(results.sort(), ['created', 'exists']);
    assert.deepEqual((await app.deps.tasks.listOpen()).map((t) => t.id), [task.id]);
    assert.deepEqual((await app.deps.tasks.listOpen({ personId: PEOPLE.aino })).map((t) => t.id), [], 'the index filters by person');

    const [a, b] = [dispatcherFor(app, sink), dispatcherFor(app, sink)];
    const delivered = (await Promise.all([a.runOnce(), b.runOnce()])).reduce((x, y) => x + y, 0);
    assert.equal(delivered, 2, 'the card and the manager\'s message, each by one instance');
    const posts = channelPosts(sink, 'Mitätöi valtuudet: Mikko Virtanen');
    assert.equal(posts.length, 1, 'one card in the channel');
    assert.match(JSON.stringify(posts[0].body), /Veroilmoittaminen/);
    const managerMessages = sink.sent().filter((r) => JSON.stringify(r.body).includes('Henkilön Mikko Virtanen valtuudet (Veroilmoittaminen, Tulorekisteri) mitätöidään'));
    assert.equal(managerMessages.length, 1, 'the manager is told once, in Finnish');
    const stored = await app.deps.tasks.get(task.id);
    assert.ok(stored?.task.adminCard?.activityId, 'where the card sits is recorded on the task');

    await mutateTask(app.deps.tasks, task.id, (t) => ({ task: { ...t, status: 'done', doneAt: '2026-11-30T09:00:00.000Z', doneBy: PEOPLE.eija },
      outbox: [{ kind: 'taskCard', taskId: t.id }, { kind: 'taskThread', taskId: t.id, event: 'revoked', actorId: PEOPLE.eija, text: '2026-11-30' }] }));
    assert.equal(await a.runOnce(), 2);
    assert.equal(channelPosts(sink, 'Mitätöi valtuudet').length, 1, 'still one card: the second drawing updated it');
    assert.equal(sink.updates().length, 1, 'updated in place');
    assert.match(JSON.stringify(sink.updates()[0].body), /tehty/);
    assert.ok(sink.sent().some((r) => JSON.stringify(r.body).includes('merkitsi valtuudet mitätöidyiksi (30.11.2026)')), 'the thread reply names the day as Finns write it');
    assert.deepEqual(await app.deps.tasks.listOpen(), [], 'a done task leaves the open list');
    assert.ok((await app.deps.tasks.auditTrail(task.id)).some((e) => e.action === 'taskOpened'));
  });

  it('a notice is queued once per marker, however many sweeps write it, and delivered once', async () => {
    const facts = { themeId: 'a', themeName: 'Veroilmoittaminen', validFrom: '2025-12-01', validUntil: '2026-12-30', leadDays: 30 };
    const notice = [{ kind: 'notice' as const, recipientId: PEOPLE.mikko, event: 'renewalReminder' as const, facts }];
    const marker = 'renewal|a|2025-12-01|30';
    const results = await Promise.all([1, 2, 3].map(() => app.deps.tasks.notice(PEOPLE.mikko, marker, notice)));
    assert.deepEqual(results.sort(), ['exists', 'exists', 'queued']);
    assert.equal(await app.deps.tasks.noticeSent(PEOPLE.mikko, marker), true);
    assert.equal(await app.deps.tasks.noticeSent(PEOPLE.mikko, 'renewal|a|2025-12-01|7'), false);
    const [a, b] = [dispatcherFor(app, sink), dispatcherFor(app, sink)];
    await Promise.all([a.runOnce(), b.runOnce()]);
    await a.runOnce();
    const sent = sink.sent().filter((r) => JSON.stringify(r.body).includes('Valtuutesi \\"Veroilmoittaminen\\" päättyy 30.12.2026 (30 päivän päästä)'));
    assert.equal(sent.length, 1, JSON.stringify(sink.sent().map((r) => r.body.text)));
  });
});
