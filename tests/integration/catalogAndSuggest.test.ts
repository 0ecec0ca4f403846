import assert from 'node:assert/strict';
import { startTestBot, PEOPLE, TENANT, cardText, actionData, validOrder, type TestBot } from '../helpers/botHarness';
import { FakeGraph, FakeTokenCredential, FAKE_GROUP_IDS } from '../helpers/fakeGraph';
import { loadConfig } from '../../bot/config';
import { startApp } from '../../bot/main';
import { createLogger } from '../../bot/log';
import { freePort } from '../../infra/local/ports';
import { testAzurite, uniquePrefix } from '../helpers/azurite';
import { ConnectorSink } from '../helpers/connectorSink';

describe('suggestions, the map and the catalog flag from cards (Azurite)', function () {
  this.timeout(60_000);
  let bot: TestBot;
  before(async () => { bot = await startTestBot(); });
  after(async () => { await bot?.stop(); });

  it('a manager opens the suggestions of a direct report; an id that is not their report shows their own', async () => {
    const card = await bot.execute(PEOPLE.aino, 'suggestFor', { reportId: PEOPLE.mikko });
    assert.match(cardText(card), /Valtuudet, joita Mikko Virtanen tarvitsee/);
    assert.match(cardText(card), /Palkkatietojen ilmoittaminen/);
    const ordered = await bot.execute(PEOPLE.aino, 'orderSuggested', { ...actionData(card, 'orderSuggested'), themes: 'palkkatietojen-katselu' });
    assert.match(JSON.stringify(ordered), /"subjectId","label":"[^"]*","value":"7b5e2561/, 'the order form is for Mikko');
    const notMine = await bot.execute(PEOPLE.johan, 'suggestFor', { reportId: PEOPLE.mikko });
    assert.ok(!cardText(notMine).includes('Mikko Virtanen'), 'Johan is not Mikko\'s manager');
  });

  it('a manager ordering for a report is stopped if the names are still their own', async () => {
    const data = validOrder({ subjectId: PEOPLE.mikko, givenName: 'Aino', surname: 'Lindqvist', requesterMail: 'aino.lindqvist@porvoo.example', themes: 'veroilmoittaminen' });
    const wrong = await bot.execute(PEOPLE.aino, 'orderSubmit', data);
    assert.match(cardText(wrong), /Nimet ovat sinun, mutta valtuus tilataan henkilölle Mikko Virtanen/);
    const right = await bot.execute(PEOPLE.aino, 'orderSubmit', { ...data, givenName: 'Mikko', surname: 'Virtanen' });
    const number = /(VB-\d{4}-\d{5})/.exec(cardText(right))?.[1] as string;
    const order = await bot.app.deps.orders.findByNumber(number);
    assert.equal(order?.subject.id, PEOPLE.mikko);
    assert.equal(order?.requesterId, PEOPLE.aino);
    assert.ok((await bot.app.deps.orders.listByRequester(PEOPLE.aino)).some((o) => o.id === order?.id), 'listed for the manager who ordered');
    assert.ok((await bot.app.deps.orders.listBySubject(PEOPLE.mikko)).some((o) => o.id === order?.id), 'and for the report it is for');
  });

  it('when the map has nothing for someone it says so and offers the browsable map', async () => {
    const card = await bot.execute(PEOPLE.aino, 'suggestFor', {});
    assert.match(cardText(card), /Valtuuskartassa ei ole ehdotuksia tehtävällesi \(Hallintopäällikkö/);
    actionData(card, 'browseMap');
    const map = await bot.execute(PEOPLE.aino, 'browseMap', { scopeType: 'serviceArea', scope: 'Elinkeinot ja työllisyys' });
    assert.match(cardText(map), /Mitä asiointivaltuuksia tarvitaan: Elinkeinot ja työllisyys/);
    assert.match(cardText(map), /Palkkatuen hakeminen/);
  });

  it('administrators see and toggle a theme\'s "held by the organisation" flag; others are refused', async () => {
    const refused = await bot.execute(PEOPLE.mikko, 'catalog.held', { query: 'tulli' });
    assert.match(cardText(refused), /ei ole oikeutta/);
    const list = await bot.execute(PEOPLE.eija, 'catalog.held', { query: 'tulli' });
    assert.match(cardText(list), /Tulliasioiden hoito[\s\S]*Puuttuu/);
    const toggled = await bot.execute(PEOPLE.eija, 'catalog.toggleHeld', actionData(list, 'catalog.toggleHeld'));
    assert.match(cardText(toggled), /"Tulliasioiden hoito": Organisaatiolla on/);
    bot.app.deps.catalogStore.invalidate();
    assert.equal((await bot.app.deps.catalog.themes()).get('tulliasioiden-hoito')?.heldByOrganisation, true);
    const stale = await bot.execute(PEOPLE.eija, 'catalog.toggleHeld', actionData(list, 'catalog.toggleHeld'));
    assert.match(cardText(stale), /vanhentunut/, 'a card showing an older catalog version changes nothing');
  });
});

describe('DIRECTORY=graph: the same app against Microsoft Graph (local server speaking Graph JSON)', function () {
  this.timeout(60_000);
  it('resolves the user, manager and groups through the real Graph client, nothing else changes; a review meeting also lands in the calendar', async () => {
    const graph = await FakeGraph.start();
    const sink = await ConnectorSink.start();
    const { connectionString } = await testAzurite();
    const config = loadConfig({ AZURE_TABLES_CONNECTION_STRING: connectionString, TABLE_PREFIX: uniquePrefix('graph'), PORT: String(await freePort()),
      DIRECTORY: 'graph', GRAPH_TENANT_ID: TENANT, GRAPH_BASE_URL: graph.baseUrl, ADMIN_GROUP_ID: FAKE_GROUP_IDS.administrators,
      SIGNATORY_GROUP_ID: FAKE_GROUP_IDS.signatories, ADMIN_CHANNEL_ID: '19:tilaukset@thread.tacv2', BOT_SERVICE_URL: sink.url, LOG_LEVEL: 'silent',
      MEETING_INVITES: 'true' });
    const app = await startApp(config, { log: createLogger('silent'), credential: new FakeTokenCredential(), jobs: false });
    try {
      const res = await fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({
        type: 'message', id: 'g1', text: 'mitä tarvitsen', channelId: 'msteams', serviceUrl: sink.url, from: { id: '29:m', aadObjectId: PEOPLE.mikko },
        recipient: { id: '28:b' }, conversation: { id: 'a:m', conversationType: 'personal', tenantId: TENANT } }) });
      assert.equal(res.status, 200);
      await sink.waitFor(() => sink.allText().includes('Palkkatietojen ilmoittaminen'));
      assert.ok(graph.requests.some((r) => r.path.includes(`/users/${PEOPLE.mikko}`)), 'the user came from Graph');
      assert.equal(await app.deps.directory.isMember(PEOPLE.eija, 'administrators'), true);
      assert.equal((await app.deps.directory.getManager(PEOPLE.mikko))?.id, PEOPLE.aino);

      // A review-meeting invitation also creates a Teams meeting in the inviting administrator's calendar.
      const post = (activity: Record<string, unknown>) => fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channelId: 'msteams', serviceUrl: sink.url, recipient: { id: '28:b' }, ...activity }) });
      const submit = await post({ type: 'invoke', name: 'adaptiveCard/action', id: 'g2', from: { id: '29:m', aadObjectId: PEOPLE.mikko },
        conversation: { id: 'a:m', conversationType: 'personal', tenantId: TENANT },
        value: { action: { type: 'Action.Execute', verb: 'orderSubmit', data: validOrder({ themes: 'tulliasioiden-hoito' }) } } });
      const number = /(VB-\d{4}-\d{5})/.exec(cardText(((await submit.json()) as { value: unknown }).value))?.[1] as string;
      const order = await app.deps.orders.findByNumber(number);
      assert.ok(order);
      const invited = await post({ type: 'invoke', name: 'adaptiveCard/action', id: 'g3', from: { id: '29:e', aadObjectId: PEOPLE.eija },
        conversation: { id: '19:tilaukset@thread.tacv2;messageid=1', conversationType: 'channel', tenantId: TENANT },
        value: { action: { type: 'Action.Execute', verb: 'admin.inviteMeeting', data: { orderId: order.id, v: order.updatedAt, line: 0, submit: true, meetingDate: '2026-12-01', meetingTime: '10:00' } } } });
      assert.equal(invited.status, 200);
      await sink.waitFor(() => graph.requests.some((r) => r.method === 'POST' && r.path.endsWith(`/users/${PEOPLE.eija}/events`)));
      const event = graph.requests.find((r) => r.method === 'POST' && r.path.endsWith('/events'))?.body as { start: { dateTime: string }; attendees: Array<{ emailAddress: { address: string } }> };
      assert.equal(event.start.dateTime, '2026-12-01T10:00:00', 'Helsinki wall-clock time');
      assert.equal(event.attendees[0].emailAddress.address, 'mikko.virtanen@porvoo.example');
      await sink.waitFor(() => sink.allText().includes('Sinut kutsutaan tapaamiseen tilauksesta') && sink.allText().includes('1.12.2026 klo 10.00'));
    } finally {
      await app.stop();
      await sink.close();
      await graph.close();
    }
  });
});
