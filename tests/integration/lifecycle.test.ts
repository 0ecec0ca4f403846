import assert from 'node:assert/strict';
import { startTestBot, submitAs, PEOPLE, TENANT, ADMIN_CHANNEL, cardText, actionData, validOrder, type TestBot } from '../helpers/botHarness';
import { SlaWatch } from '../../bot/notify/slaWatch';
import { HetuRetention } from '../../bot/services/hetuRetention';
import { readAudit, toCsv } from '../../bot/cli/auditExport';
import { createLogger } from '../../bot/log';

describe('tenant, manager approval, SLA watch, retention and audit export', function () {
  this.timeout(90_000);

  describe('with a configured tenant and manager approval on', () => {
    let bot: TestBot;
    before(async () => { bot = await startTestBot({ MICROSOFT_APP_TENANT_ID: TENANT, MANAGER_APPROVAL: 'true', TRUST_CLIENT_LOCALE: 'true' }); });
    after(async () => { await bot?.stop(); });

    it('with a real Teams client the Teams locale comes first, then the directory language', async () => {
      const before = bot.sink.sent().length;
      await bot.message(PEOPLE.mikko, 'hei', { locale: 'sv-FI' });
      await bot.message(PEOPLE.johan, 'hej', { locale: 'de-DE' });
      const replies = bot.sink.sent().slice(before).map((r) => JSON.stringify(r.body));
      assert.match(replies[0], /Hej Mikko!/, 'Mikko\'s directory says fi-FI, but his Teams is in Swedish');
      assert.match(replies[1], /Hej Johan!/, 'an unsupported Teams locale falls back to the directory (sv-FI)');
    });

    it('rejects activities from another tenant', async () => {
      const before = bot.sink.sent().length;
      await bot.message(PEOPLE.mikko, 'hei', { conversation: { id: 'a:x', conversationType: 'personal', tenantId: '99999999-0000-4000-8000-000000000009' } });
      const replies = bot.sink.sent().slice(before).map((r) => JSON.stringify(r.body));
      assert.equal(replies.length, 1);
      assert.match(replies[0], /vain oman organisaation Teamsissa/);
      assert.ok(!replies[0].includes('Tilaa valtuus'), 'no menu for a foreign tenant');
    });

    it('sends the order to the manager first; only after approval does it reach the administrators', async () => {
      const order = await submitAs(bot, PEOPLE.mikko, validOrder());
      assert.equal(order.status, 'awaitingApproval');
      await bot.sink.waitFor(() => bot.sink.allText().includes('Hyväksyttävä valtuustilaus'));
      const channelBefore = bot.sink.created().filter((r) => JSON.stringify(r.body).includes(ADMIN_CHANNEL) && JSON.stringify(r.body).includes(order.number));
      assert.equal(channelBefore.length, 0, 'not in the channel before approval');
      const notManager = await bot.execute(PEOPLE.sanna, 'manager.approve', { orderId: order.id, v: order.updatedAt });
      assert.match(cardText(notManager), /ei ole oikeutta/);
      const approved = await bot.execute(PEOPLE.aino, 'manager.approve', { orderId: order.id, v: order.updatedAt });
      assert.match(cardText(approved), /Päätös kirjattu/);
      await bot.sink.waitFor(() => bot.sink.created().some((r) => JSON.stringify(r.body).includes(ADMIN_CHANNEL) && JSON.stringify(r.body).includes(order.number)));
      await bot.sink.waitFor(() => bot.sink.allText().includes(`Esihenkilö hyväksyi tilauksen ${order.number}`));
    });

    it('a declined order is closed with the reason sent to the requester', async () => {
      const order = await submitAs(bot, PEOPLE.mikko, validOrder({ themes: 'veroilmoittaminen' }));
      const declined = await bot.execute(PEOPLE.aino, 'manager.decline', { orderId: order.id, v: order.updatedAt, reason: 'Ei kuulu tehtäviisi.' });
      assert.match(cardText(declined), /Päätös kirjattu/);
      const after = (await bot.app.deps.orders.get(order.id))?.order;
      assert.equal(after?.status, 'declined');
      assert.equal(after?.hetuCipher, null);
      await bot.sink.waitFor(() => bot.sink.allText().includes('Ei kuulu tehtäviisi.'));
    });
  });

  describe('jobs', () => {
    let bot: TestBot;
    let now = new Date();
    before(async () => { bot = await startTestBot({}, { now: () => now }); });
    after(async () => { await bot?.stop(); });

    it('an order past its due date gets one reminder in its thread; the digest goes out once a working day', async () => {
      now = new Date('2026-11-30T09:00:00Z'); // Monday
      const order = await submitAs(bot, PEOPLE.mikko, validOrder({ validUntil: '2027-06-30' }));
      await bot.sink.waitFor(() => bot.sink.created().some((r) => JSON.stringify(r.body).includes(order.number)));
      const digests: object[] = [];
      const watch = new SlaWatch({ deps: bot.app.deps, log: createLogger('silent'), postDigest: async (c) => { digests.push(c); } });
      assert.equal((await watch.runOnce()).reminders, 0, 'not overdue yet');
      assert.equal(digests.length, 1);
      assert.match(cardText(digests[0]), new RegExp(order.number));
      now = new Date('2026-12-04T09:00:00Z'); // due 3 Dec, so overdue
      assert.equal((await watch.runOnce()).reminders, 1);
      assert.equal((await watch.runOnce()).reminders, 0, 'reminded once per due date');
      assert.equal(digests.length, 2, 'one digest per day');
      await bot.sink.waitFor(() => bot.sink.allText().includes(/* dates as people write them, never raw ISO */ 'Muistutus: määräpäivä 3.12.2026 on ohitettu.'));
    });

    it('the retention job destroys any henkilötunnus left past the configured age', async () => {
      now = new Date('2026-12-01T09:00:00Z');
      const order = await submitAs(bot, PEOPLE.sanna, validOrder({ givenName: 'Sanna', surname: 'Korhonen', themes: 'veroasioiden-hoito' }));
      const retention = new HetuRetention({ orders: bot.app.deps.orders, retentionDays: 90, now: () => now, log: createLogger('silent') });
      await retention.runOnce();
      assert.ok((await bot.app.deps.orders.get(order.id))?.order.hetuCipher, 'young orders keep it');
      now = new Date('2027-03-15T09:00:00Z');
      assert.ok(await retention.runOnce() >= 1);
      assert.equal((await bot.app.deps.orders.get(order.id))?.order.hetuCipher, null);
      assert.ok((await bot.app.deps.orders.auditTrail(order.id)).some((e) => e.action === 'hetuPurged'));
    });

    it('the audit export writes every transition as CSV and never a henkilötunnus', async () => {
      const refused = await bot.execute(PEOPLE.mikko, 'orderSubmit', validOrder({ themes: 'palkkatietojen-katselu', justification: 'Tarvitsen tätä; tunnukseni on 010594Y9032.' }));
      assert.match(cardText(refused), /Älä kirjoita henkilötunnusta tähän kenttään/, 'a code in free text is refused at the form');
      const order = await submitAs(bot, PEOPLE.mikko, validOrder({ themes: 'palkkatietojen-katselu' }));
      const channel = { id: `${ADMIN_CHANNEL};messageid=1`, conversationType: 'channel', tenantId: TENANT };
      const form = await bot.execute(PEOPLE.eija, 'admin.reject', { orderId: order.id, v: order.updatedAt }, channel);
      await bot.execute(PEOPLE.eija, 'admin.reject', { ...actionData(form, 'admin.reject'), reason: 'Virheellinen tilaus 010594Y9032' }, channel);
      const day = now.toISOString().slice(0, 10);
      const rows = await readAudit(bot.app.tables, day, day);
      const csv = toCsv(rows);
      assert.match(csv, /^\ufefforder_number,at,actor_id,action,from,to,reason,detail\r\n/);
      assert.match(csv, new RegExp(`${order.number},[^\\n]*,submit,new,open`));
      assert.match(csv, new RegExp(`${order.number},[^\\n]*,reject,open,rejected,Virheellinen tilaus \\[HETU\\]`));
      assert.ok(!csv.includes('010594Y9032'));
    });
  });
});
