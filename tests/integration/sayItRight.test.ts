import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestBot, submitAs, PEOPLE, cardText, validOrder, type TestBot } from '../helpers/botHarness';
import type { Order } from '../../bot/domain/order';

/** Issue 11: what the bot says and to whom matches what really happens. */
describe('say it right: notices to the right people, self-processing, pending tasks from the menu', function () {
  this.timeout(120_000);

  describe('default setup (two administrators, manager approval off)', () => {
    let bot: TestBot;
    before(async () => { bot = await startTestBot(); });
    after(async () => { await bot?.stop(); });

    const reload = async (id: string): Promise<Order> => (await bot.app.deps.orders.get(id))?.order as Order;
    const step = async (who: string, verb: string, id: string, extra: Record<string, unknown> = {}) =>
      bot.execute(who, verb, { orderId: id, v: (await reload(id)).updatedAt, ...extra });

    it('after DVV grants a theme a manager ordered for a report, the manager hears an administrator grants it to the report, and the report hears it too', async () => {
      const order = await submitAs(bot, PEOPLE.aino, validOrder({ subjectId: PEOPLE.mikko, themes: 'tulliasioiden-hoito' }));
      assert.equal(order.lines[0].path, 'missing');
      await step(PEOPLE.eija, 'admin.claim', order.id);
      await step(PEOPLE.eija, 'admin.markPrepared', order.id, { line: 0 });
      await step(PEOPLE.kaarina, 'signatory.sign', order.id, { line: 0 });
      await step(PEOPLE.eija, 'admin.markSent', order.id, { line: 0, submit: true, sentOn: '2026-11-27' });
      const promised = (await reload(order.id)).lines[0].due;
      await step(PEOPLE.eija, 'admin.dvvGranted', order.id, { line: 0 });
      assert.equal((await reload(order.id)).lines[0].stage, 'toGrant');
      // DVV decided early: the date promised to the requester stays, it does not jump back to 3 working days from today.
      assert.equal((await reload(order.id)).lines[0].due, promised);
      // The manager (requester) is told who gets it and that a person still grants it; the employee is told "to you".
      await bot.sink.waitFor(() => bot.sink.allText().includes(`antaa valtuuden henkilölle Mikko Virtanen Suomi.fi:ssä`));
      await bot.sink.waitFor(() => bot.sink.allText().includes(`(tilaus ${order.number}). Seuraavaksi valtuuksien hallinnoija antaa valtuuden sinulle Suomi.fi:ssä`));
      assert.ok(!bot.sink.allText().includes('annetaan sinulle pian'), 'the old wording promised an automatic grant');
      // The sent date is written as people write dates, in the thread.
      await bot.sink.waitFor(() => bot.sink.allText().includes('lähetetyksi DVV:lle (27.11.2026)'));
    });

    it('a granted line says the henkilötunnus was destroyed only when no other line still needs it', async () => {
      const order = await submitAs(bot, PEOPLE.mikko, validOrder({ themes: 'palkkatietojen-ilmoittaminen,palkkatietojen-katselu' }));
      await step(PEOPLE.eija, 'admin.claim', order.id);
      await step(PEOPLE.eija, 'admin.confirmGrant', order.id, { line: 0, validFrom: '2026-12-01', validUntil: '2027-06-30' });
      assert.ok((await reload(order.id)).hetuCipher, 'the second line still needs the code');
      await bot.sink.waitFor(() => bot.sink.allText().includes('antoi valtuuden \\"Palkkatietojen ilmoittaminen\\" (1.12.2026 – 30.6.2027).'));
      assert.ok(!bot.sink.allText().includes('\\"Palkkatietojen ilmoittaminen\\" (1.12.2026 – 30.6.2027). Henkilötunnus hävitettiin'));
      await step(PEOPLE.eija, 'admin.confirmGrant', order.id, { line: 1, validFrom: '2026-12-01', validUntil: '2027-06-30' });
      assert.equal((await reload(order.id)).hetuCipher, null);
      await bot.sink.waitFor(() => bot.sink.allText().includes('\\"Palkkatietojen katselu\\" (1.12.2026 – 30.6.2027). Henkilötunnus hävitettiin'));
    });

    it('a Finnish glossary question about an unknown word gets the closest terms ("mikä on …" ends in ä)', async () => {
      const mark = bot.sink.sent().length;
      await bot.message(PEOPLE.mikko, 'mikä on kvanttivaltuus?');
      await bot.sink.waitFor(() => bot.sink.sent().slice(mark).some((r) => JSON.stringify(r.body).includes('En löytänyt sanastosta termiä')));
    });

    it('with two administrators nobody processes their own order', async () => {
      const own = await submitAs(bot, PEOPLE.eija, validOrder({ givenName: 'Eija', surname: 'Mäkelä', requesterMail: 'eija@porvoo.example', themes: 'veroilmoittaminen' }));
      const answer = await step(PEOPLE.eija, 'admin.claim', own.id);
      assert.match(cardText(answer), /Et voi käsitellä omaa tilaustasi/);
      assert.equal((await reload(own.id)).assigneeId, null);
    });
  });

  describe('ALLOW_SELF_PROCESSING=true', () => {
    let bot: TestBot;
    before(async () => { bot = await startTestBot({ ALLOW_SELF_PROCESSING: 'true' }); });
    after(async () => { await bot?.stop(); });

    it('an administrator may process their own order: audit-marked and shown on the order card', async () => {
      const own = await submitAs(bot, PEOPLE.eija, validOrder({ givenName: 'Eija', surname: 'Mäkelä', requesterMail: 'eija@porvoo.example', themes: 'veroilmoittaminen' }));
      assert.equal(own.status, 'open');
      const card = await bot.execute(PEOPLE.eija, 'admin.claim', { orderId: own.id, v: own.updatedAt });
      const after = (await bot.app.deps.orders.get(own.id))?.order as Order;
      assert.equal(after.assigneeId, PEOPLE.eija);
      assert.deepEqual(after.selfProcessedBy, [PEOPLE.eija]);
      assert.match(cardText(card), /käsittelee omaa tilaustaan/);
      const audit = await bot.app.deps.orders.auditTrail(own.id);
      assert.ok(audit.some((e) => e.action === 'claim' && e.selfProcessed === true));
      // Another administrator's step on someone else's order is not marked.
      const other = await submitAs(bot, PEOPLE.mikko, validOrder({ themes: 'veroilmoittaminen' }));
      await bot.execute(PEOPLE.eija, 'admin.claim', { orderId: other.id, v: other.updatedAt });
      assert.ok((await bot.app.deps.orders.auditTrail(other.id)).every((e) => e.selfProcessed !== true));
    });
  });

  describe('an administrators\' group of one (no setting)', () => {
    let bot: TestBot;
    let dir: string;
    before(async () => {
      // The sample organisation with Eija as the only administrator: nobody else could process her order.
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vb-one-admin-'));
      const org = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../data/sample-org.json'), 'utf8'));
      org.groups.mandateAdministrators = [PEOPLE.eija];
      fs.writeFileSync(path.join(dir, 'org.json'), JSON.stringify(org));
      bot = await startTestBot({ DIRECTORY_FILE: path.join(dir, 'org.json') });
    });
    after(async () => { await bot?.stop(); fs.rmSync(dir, { recursive: true, force: true }); });

    it('the only administrator may process their own order, audit-marked', async () => {
      const own = await submitAs(bot, PEOPLE.eija, validOrder({ givenName: 'Eija', surname: 'Mäkelä', requesterMail: 'eija@porvoo.example', themes: 'veroilmoittaminen' }));
      const card = await bot.execute(PEOPLE.eija, 'admin.claim', { orderId: own.id, v: own.updatedAt });
      const after = (await bot.app.deps.orders.get(own.id))?.order as Order;
      assert.equal(after.assigneeId, PEOPLE.eija);
      assert.deepEqual(after.selfProcessedBy, [PEOPLE.eija]);
      assert.match(cardText(card), /käsittelee omaa tilaustaan/);
      assert.ok((await bot.app.deps.orders.auditTrail(own.id)).some((e) => e.action === 'claim' && e.selfProcessed === true));
    });
  });

  describe('MANAGER_APPROVAL=true', () => {
    let bot: TestBot;
    before(async () => { bot = await startTestBot({ MANAGER_APPROVAL: 'true' }); });
    after(async () => { await bot?.stop(); });
    it('a manager finds the orders waiting for approval again from the menu ("Hyväksyttävät")', async () => {
      const order = await submitAs(bot, PEOPLE.mikko, validOrder({ themes: 'etuustietojen-katselu' }));
      assert.equal(order.status, 'awaitingApproval');
      // The confirmation said it goes to the manager first (the card is built from the stored status).
      const before = bot.sink.sent().length;
      await bot.message(PEOPLE.aino, 'hei');
      await bot.sink.waitFor(() => bot.sink.sent().slice(before).some((r) => JSON.stringify(r.body).includes('Hyväksyttävät')));
      const mark = bot.sink.sent().length;
      await bot.message(PEOPLE.aino, '', { value: { verb: 'menuToApprove' } });
      await bot.sink.waitFor(() => bot.sink.sent().slice(mark).some((r) => JSON.stringify(r.body).includes(order.number)));
      const texts = bot.sink.sent().slice(mark).map((r) => JSON.stringify(r.body)).join('\n');
      assert.match(texts, /Hyväksyttävät valtuustilaukset/);
      // Someone else (not Mikko's manager) gets no such tasks.
      const other = bot.sink.sent().length;
      await bot.message(PEOPLE.sanna, '', { value: { verb: 'menuToApprove' } });
      await bot.sink.waitFor(() => bot.sink.sent().length > other);
      assert.match(bot.sink.sent().slice(other).map((r) => JSON.stringify(r.body)).join('\n'), /Sinulla ei ole odottavia tehtäviä/);
    });
  });
});
