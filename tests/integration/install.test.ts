import assert from 'node:assert/strict';
import { startTestBot, PEOPLE, TENANT, cardText, submitAs, validOrder, type TestBot } from '../helpers/botHarness';
import { InstallStore } from '../../bot/store/installStore';
import { TableUserStore, userRow } from '../../bot/store/userStore';
import { Tables } from '../../bot/store/tables';
import { testAzurite } from '../helpers/azurite';

// Shapes as Teams sends them (installationUpdate / conversationUpdate, docs "Conversation events in your bot"):
// the team in channelData.team, the channel chosen at install in channelData.settings.selectedChannel and as
// the conversation id, the tenant in channelData.tenant.id and conversation.tenantId.
const TEAM = '19:Qx2aP1g0mRqZ7w@thread.tacv2';
const PRIVATE_CHANNEL = '19:8f1c0a7e5b2d4c3a9e6f@thread.tacv2';
const OTHER_TEAM = '19:OtherTeamGeneral00@thread.tacv2';
let seq = 0;

function teamActivity(type: 'installationUpdate' | 'conversationUpdate', team: string, channel: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    type, id: `f:${++seq}`, timestamp: new Date().toISOString(), channelId: 'msteams', locale: 'fi-FI',
    from: { id: '29:1eija', aadObjectId: PEOPLE.eija },
    recipient: { id: '28:bot', name: 'Valtuusbotti' },
    conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT, id: channel },
    entities: [{ type: 'clientInfo', locale: 'fi-FI', country: 'FI', platform: 'Web', timezone: 'Europe/Helsinki' }],
    ...extra,
    channelData: { team: { id: team, name: 'Valtuushallinta', aadGroupId: '4a7d1e7c-2b7d-4b7b-9b1e-0c6a5f3e2d11' }, tenant: { id: TENANT },
      ...(extra.channelData as Record<string, unknown> | undefined) },
  };
}
const teamInstall = (team: string, channel: string, action = 'add') => teamActivity('installationUpdate', team, channel,
  { action, channelData: { settings: { selectedChannel: { id: channel } }, channel: { id: channel }, source: { name: 'message' } } });
const botAddedToTeam = (team: string, channel: string) => teamActivity('conversationUpdate', team, channel,
  { membersAdded: [{ id: '28:bot' }], channelData: { eventType: 'teamMemberAdded' } });

function personal(userId: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    id: `f:${++seq}`, channelId: 'msteams', locale: 'fi-FI', timestamp: new Date().toISOString(),
    from: { id: `29:${userId}`, aadObjectId: userId }, recipient: { id: '28:bot', name: 'Valtuusbotti' },
    conversation: { conversationType: 'personal', tenantId: TENANT, id: `a:1install-${userId}` },
    channelData: { tenant: { id: TENANT } }, ...extra,
  };
}

const cardsIn = (bot: TestBot, conversationId: string) => bot.sink.sent()
  .filter((r) => decodeURIComponent(r.path).includes(`/v3/conversations/${conversationId}/activities`))
  .map((r) => cardText((r.body.attachments as Array<{ content: unknown }> | undefined)?.[0]?.content) || String(r.body.text ?? ''));

async function settle(bot: TestBot, conversationId: string, n: number): Promise<string[]> {
  await bot.sink.waitFor(() => cardsIn(bot, conversationId).length >= n);
  await new Promise((r) => setTimeout(r, 300)); // anything more that would come (a duplicate) comes now
  return cardsIn(bot, conversationId);
}

describe('installing and removing the app (Teams installation events)', function () {
  this.timeout(60_000);

  describe('with the administrators\' team configured but not this channel', () => {
    let bot: TestBot;
    before(async () => { bot = await startTestBot({ ADMIN_TEAM_ID: TEAM, ADMIN_CHANNEL_ID: '19:somewhereelse@thread.tacv2' }); });
    after(async () => { await bot.stop(); });

    it('installed into a team (private channel chosen): one setup card there with the ids to configure and what is missing or differs', async () => {
      const wire = { serviceUrl: bot.sink.url };
      assert.equal((await bot.post({ ...teamInstall(TEAM, PRIVATE_CHANNEL), ...wire })).status, 200);
      // Teams also sends conversationUpdate (teamMemberAdded) for the same installation: no second card.
      assert.equal((await bot.post({ ...botAddedToTeam(TEAM, PRIVATE_CHANNEL), ...wire })).status, 200);
      const cards = await settle(bot, PRIVATE_CHANNEL, 1);
      assert.equal(cards.length, 1, cards.join('\n---\n'));
      const card = cards[0];
      assert.match(card, /Valtuusbotti on lisätty tähän kanavaan/);
      assert.match(card, new RegExp(`ADMIN_TEAM_ID\nkunnossa`));
      assert.ok(card.includes(`ADMIN_CHANNEL_ID\n\`${PRIVATE_CHANNEL}\` — asetettu, mutta eri arvo kuin täällä`), card);
      // Local mode without a configured tenant is pinned to the local client's tenant, which this activity carries.
      assert.match(card, /MICROSOFT_APP_TENANT_ID\nkunnossa/);
      assert.match(card, /ADMIN_GROUP_ID\npuuttuu: käytössä on esimerkkiorganisaatio/);
      assert.ok(!card.includes('Kaikki kunnossa'));
      const stored = await new InstallStore(bot.app.tables).get(TEAM);
      assert.equal(stored?.channelId, PRIVATE_CHANNEL, 'the channel reference of the installation is stored');
    });

    it('"add-upgrade" (a new app version) posts nothing; "remove" deletes the team\'s channel reference', async () => {
      bot.sink.reset();
      await bot.post({ ...teamInstall(TEAM, PRIVATE_CHANNEL, 'add-upgrade'), serviceUrl: bot.sink.url });
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(cardsIn(bot, PRIVATE_CHANNEL), []);
      await bot.post({ ...teamInstall(TEAM, PRIVATE_CHANNEL, 'remove'), serviceUrl: bot.sink.url });
      assert.equal(await new InstallStore(bot.app.tables).get(TEAM), undefined);
    });

    it('the bot added to a team by conversationUpdate alone (no installationUpdate) also posts the setup card; channelCreated posts nothing', async () => {
      bot.sink.reset();
      await bot.post({ ...teamActivity('conversationUpdate', OTHER_TEAM, OTHER_TEAM, { channelData: { eventType: 'channelCreated', channel: { id: '19:new@thread.tacv2', name: 'Uusi' } } }), serviceUrl: bot.sink.url });
      await bot.post({ ...botAddedToTeam(OTHER_TEAM, OTHER_TEAM), serviceUrl: bot.sink.url });
      const cards = await settle(bot, OTHER_TEAM, 1);
      assert.equal(cards.length, 1);
      assert.ok(cards[0].includes(`ADMIN_TEAM_ID\n\`${OTHER_TEAM}\` — asetettu, mutta eri arvo kuin täällä`), cards[0]);
    });

    it('personal install: the welcome card; uninstall (installationUpdate remove): the stored conversation reference is removed', async () => {
      const conv = `a:1install-${PEOPLE.mikko}`;
      await bot.post({ ...personal(PEOPLE.mikko, { type: 'installationUpdate', action: 'add' }), serviceUrl: bot.sink.url });
      // The Agents Playground announces a personal install also as conversationUpdate with the person: still one welcome.
      await bot.post({ ...personal(PEOPLE.mikko, { type: 'conversationUpdate', membersAdded: [{ id: `29:${PEOPLE.mikko}` }] }), serviceUrl: bot.sink.url });
      const cards = await settle(bot, conv, 1);
      assert.equal(cards.length, 1, 'one welcome');
      assert.match(cards[0], /Hei Mikko!/);
      assert.match(cards[0], /Tilaa valtuus/);
      const raw = () => bot.app.tables.client('users').getEntity<{ conversation?: string }>(userRow(PEOPLE.mikko).partitionKey, userRow(PEOPLE.mikko).rowKey);
      await bot.sink.waitFor(() => true);
      assert.match((await raw()).conversation ?? '', new RegExp(conv), 'reference stored at install');
      await bot.post({ ...personal(PEOPLE.mikko, { type: 'installationUpdate', action: 'remove' }), serviceUrl: bot.sink.url });
      assert.equal((await raw()).conversation, '', 'reference removed from the table');
      assert.equal((await bot.app.deps.users.get(PEOPLE.mikko))?.conversation, undefined, 'and from the cache');
    });

    it('the bot removed from a personal chat by conversationUpdate membersRemoved: the reference is removed', async () => {
      await bot.message(PEOPLE.sanna, 'hei');
      const raw = () => bot.app.tables.client('users').getEntity<{ conversation?: string }>(userRow(PEOPLE.sanna).partitionKey, userRow(PEOPLE.sanna).rowKey);
      await bot.sink.waitFor(() => bot.sink.sent().length > 0);
      for (let i = 0; i < 20 && !(await raw().catch(() => ({ conversation: '' }))).conversation; i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok((await raw()).conversation);
      await bot.post({ ...personal(PEOPLE.sanna, { type: 'conversationUpdate', membersRemoved: [{ id: '28:bot' }] }),
        conversation: { conversationType: 'personal', tenantId: TENANT, id: `a:personal-${PEOPLE.sanna}` }, serviceUrl: bot.sink.url });
      assert.equal((await raw()).conversation, '');
    });
  });

  it('with the settings matching this channel the setup card says all is set', async () => {
    const bot = await startTestBot({ ADMIN_TEAM_ID: TEAM, ADMIN_CHANNEL_ID: PRIVATE_CHANNEL, MICROSOFT_APP_TENANT_ID: TENANT, DIRECTORY: 'file' });
    try {
      await bot.post({ ...teamInstall(TEAM, PRIVATE_CHANNEL), serviceUrl: bot.sink.url });
      const [card] = await settle(bot, PRIVATE_CHANNEL, 1);
      assert.match(card, /ADMIN_TEAM_ID\nkunnossa/);
      assert.match(card, /ADMIN_CHANNEL_ID\nkunnossa/);
      assert.match(card, /MICROSOFT_APP_TENANT_ID\nkunnossa/);
    } finally {
      await bot.stop();
    }
  });

  it('ADMIN_TEAM_ID: an activity from another team\'s channel is not taken as the administrators\' channel', async () => {
    const bot = await startTestBot({ ADMIN_TEAM_ID: TEAM, ADMIN_CHANNEL_ID: PRIVATE_CHANNEL });
    try {
      const order = await submitAs(bot, PEOPLE.mikko, validOrder());
      // Sanna is no administrator: she may see the card only inside the administrators' channel.
      const view = async (team: string) => bot.post({ ...teamActivity('conversationUpdate', team, `${PRIVATE_CHANNEL};messageid=17`, {}),
        type: 'invoke', name: 'adaptiveCard/action', serviceUrl: bot.sink.url,
        from: { id: '29:1sanna', aadObjectId: PEOPLE.sanna },
        channelData: { team: { id: team }, channel: { id: PRIVATE_CHANNEL }, tenant: { id: TENANT } },
        value: { action: { type: 'Action.Execute', verb: 'admin.view', data: { orderId: order.id } } } });
      const inAdminTeam = cardText((await view(TEAM)).body.value);
      assert.match(inAdminTeam, new RegExp(order.number), 'in the administrators\' channel of the administrators\' team: shown');
      const elsewhere = cardText((await view(OTHER_TEAM)).body.value);
      assert.doesNotMatch(elsewhere, new RegExp(order.number));
      assert.match(elsewhere, /Sinulla ei ole oikeutta tähän toimintoon/);
    } finally {
      await bot.stop();
    }
  });

  it('a person\'s row of the old layout (everyone in one partition) is moved to their own partition on first read, language and reference kept', async () => {
    const bot = await startTestBot();
    try {
      const table = bot.app.tables.client('users');
      const ref = JSON.stringify({ channelId: 'msteams', serviceUrl: 'https://smba.example/emea/', conversation: { id: 'a:old-conv', conversationType: 'personal' } });
      await table.createEntity({ partitionKey: 'user', rowKey: PEOPLE.johan, lang: 'sv', conversation: ref });
      // A second instance's store (no cache) reads it: moved, and the old row is gone.
      const store = new TableUserStore(bot.app.tables);
      const read = await store.get(PEOPLE.johan);
      assert.equal(read?.lang, 'sv');
      assert.equal(read?.conversation?.conversation?.id, 'a:old-conv');
      const moved = await table.getEntity<{ lang?: string; conversation?: string }>(userRow(PEOPLE.johan).partitionKey, userRow(PEOPLE.johan).rowKey);
      assert.equal(moved.lang, 'sv');
      assert.equal(moved.conversation, ref);
      await assert.rejects(table.getEntity('user', PEOPLE.johan), (err: { statusCode?: number }) => err.statusCode === 404);

      // Already written in the new layout: that row wins over an old one found later (it is newer); the old one goes.
      await table.createEntity({ partitionKey: 'user', rowKey: PEOPLE.aino, lang: 'fi' });
      await table.createEntity({ ...userRow(PEOPLE.aino), lang: 'en' });
      assert.equal((await new TableUserStore(bot.app.tables).get(PEOPLE.aino))?.lang, 'en');
      await table.createEntity({ partitionKey: 'user', rowKey: PEOPLE.kaarina, lang: 'sv' });
      await new TableUserStore(bot.app.tables).setLanguage(PEOPLE.kaarina, 'en');
      assert.equal((await new TableUserStore(bot.app.tables).get(PEOPLE.kaarina))?.lang, 'en', 'a language chosen is written after the move, never under it');
    } finally {
      await bot.stop();
    }
  });

  it('a turn of a person the bot knows asks for their row twice at once (reference, language): one read answers both, and nothing is written', async () => {
    const bot = await startTestBot();
    try {
      const ref = { channelId: 'msteams', serviceUrl: 'https://smba.example/emea/', conversation: { id: 'a:known-conv', conversationType: 'personal', isGroup: false, name: '' } };
      await new TableUserStore(bot.app.tables).rememberConversation(PEOPLE.johan, ref);
      const requests: string[] = [];
      const counting = new Tables({ kind: 'connectionString', connectionString: (await testAzurite()).connectionString }, bot.app.tables.prefix, undefined,
        { name: 'count', sendRequest: (req, next) => { requests.push(`${req.method} ${new URL(req.url).pathname}`); return next(req); } });
      // Another instance (empty cache), as a turn calls it: rememberConversation and the language at the same time.
      const store = new TableUserStore(counting);
      const [record] = await Promise.all([store.get(PEOPLE.johan), store.rememberConversation(PEOPLE.johan, ref), store.get(PEOPLE.johan)]);
      assert.equal(record?.conversation?.conversation?.id, 'a:known-conv');
      assert.deepEqual(requests.map((r) => r.split(' ')[0]), ['GET'], requests.join('\n'));
      // Once read, the cache answers; a changed reference is written once.
      await store.get(PEOPLE.johan);
      await store.rememberConversation(PEOPLE.johan, { ...ref, conversation: { id: 'a:new-conv', conversationType: 'personal', isGroup: false, name: '' } });
      assert.deepEqual(requests.map((r) => r.split(' ')[0]), ['GET', 'PATCH'], requests.join('\n'));
    } finally {
      await bot.stop();
    }
  });
});
