import assert from 'node:assert/strict';
import { startTestBot, submitAs, PEOPLE, ADMIN_CHANNEL, TENANT, cardText, actionData, validOrder, type TestBot } from '../helpers/botHarness';
import type { Order } from '../../bot/domain/order';

const channelConversation = { id: `${ADMIN_CHANNEL};messageid=1`, conversationType: 'channel', tenantId: TENANT, isGroup: true };

/** Waits until the order's card has reached the channel. */
async function posted(bot: TestBot, order: Order): Promise<void> {
  await bot.sink.waitFor(() => [...bot.sink.created(), ...bot.sink.updates()].some((r) => JSON.stringify(r.body).includes(order.number)));
}

describe('administrators\' channel: verbs, policy, concurrency, notifications (Azurite + connector sink)', function () {
  this.timeout(90_000);
  let bot: TestBot;
  before(async () => { bot = await startTestBot(); });
  after(async () => { await bot?.stop(); });

  it('path 1: claim → reveal only to the clicker → confirm → register entry, code destroyed, requester and manager told, card shows granted', async () => {
    const order = await submitAs(bot, PEOPLE.mikko, validOrder());
    await posted(bot, order);
    const current = (await bot.app.deps.orders.get(order.id))?.order as Order;
    const claimed = await bot.execute(PEOPLE.eija, 'admin.claim', { orderId: order.id, v: current.updatedAt }, channelConversation);
    assert.match(cardText(claimed), /Eija Mäkelä/);

    const afterClaim = (await bot.app.deps.orders.get(order.id))?.order as Order;
    const guide = await bot.execute(PEOPLE.eija, 'admin.grantGuide', { orderId: order.id, v: afterClaim.updatedAt, line: 0 }, channelConversation);
    assert.match(cardText(guide), /Porvoon kaupunki/);
    assert.match(cardText(guide), /Palkkatietojen ilmoittaminen/);
    assert.ok(!JSON.stringify(guide).includes('010594Y9032'), 'the guide does not show the code before "Näytä henkilötunnus"');

    const sentBefore = bot.sink.requests.length;
    const revealed = await bot.execute(PEOPLE.eija, 'admin.revealHetu', actionData(guide, 'admin.revealHetu'), channelConversation);
    assert.match(cardText(revealed), /010594Y9032/);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!bot.sink.requests.slice(sentBefore).some((r) => JSON.stringify(r.body).includes('010594Y9032')), 'the code is only in the invoke answer, never posted');
    const trail = await bot.app.deps.orders.auditTrail(order.id);
    assert.ok(trail.some((e) => e.action === 'revealHetu' && e.actorId === PEOPLE.eija), 'each reveal is audit-logged');

    const confirm = { ...actionData(revealed, 'admin.confirmGrant'), validFrom: '2026-12-01', validUntil: '2027-11-30' };
    const done = await bot.execute(PEOPLE.eija, 'admin.confirmGrant', confirm, channelConversation);
    assert.match(cardText(done), /Valmis/);
    const final = (await bot.app.deps.orders.get(order.id))?.order as Order;
    assert.equal(final.status, 'completed');
    assert.equal(final.hetuCipher, null, 'the henkilötunnus is destroyed at grant');
    const grants = await bot.app.deps.grants.listFor(PEOPLE.mikko);
    assert.ok(grants.some((g) => g.themeId === 'palkkatietojen-ilmoittaminen' && g.validUntil === '2027-11-30' && g.grantedBy === PEOPLE.eija));

    await bot.sink.waitFor(() => bot.sink.allText().includes(`Tilaus ${order.number} on valmis`));
    await bot.sink.waitFor(() => bot.sink.updates().some((u) => JSON.stringify(u.body).includes(order.number) && JSON.stringify(u.body).includes('Valmis')));
    await bot.sink.waitFor(() => bot.sink.allText().includes('antoi valtuuden'), 5000);
  });

  it('a non-administrator\'s claim is refused politely and audit-logged; nobody processes their own order', async () => {
    const order = await submitAs(bot, PEOPLE.mikko, validOrder({ themes: 'palkkatietojen-katselu' }));
    const refused = await bot.execute(PEOPLE.johan, 'admin.claim', { orderId: order.id, v: order.updatedAt }, channelConversation);
    assert.match(cardText(refused), /inte rätt/);
    const own = await submitAs(bot, PEOPLE.eija, validOrder({ givenName: 'Eija', surname: 'Mäkelä', requesterMail: 'eija.makela@porvoo.example', themes: 'veroilmoittaminen' }));
    const self = await bot.execute(PEOPLE.eija, 'admin.claim', { orderId: own.id, v: own.updatedAt }, channelConversation);
    assert.match(cardText(self), /omaa tilaustasi/);
    const trail = await bot.app.deps.orders.auditTrail(order.id);
    assert.ok(trail.some((e) => e.action === 'denied:claim' && e.actorId === PEOPLE.johan));
    assert.equal((await bot.app.deps.orders.get(order.id))?.order.assigneeId, null);
  });

  it('outside the channel a non-administrator cannot open an order\'s administrators\' card or a verb form by its id', async () => {
    const order = await submitAs(bot, PEOPLE.sanna, validOrder({ givenName: 'Sanna', surname: 'Korhonen', themes: 'palkkatietojen-ilmoittaminen' }));
    for (const verb of ['admin.view', 'admin.reject', 'admin.ask', 'admin.claim', 'admin.markPrepared']) {
      const card = await bot.execute(PEOPLE.johan, verb, { orderId: order.id, v: order.updatedAt });
      assert.match(cardText(card), /inte rätt/, verb);
      assert.ok(!cardText(card).includes('Sanna'), `${verb} shows nothing of the order`);
    }
    assert.match(cardText(await bot.execute(PEOPLE.eija, 'admin.view', { orderId: order.id })), new RegExp(order.number));
  });

  it('two administrators claiming at once: exactly one wins, the other sees who did it', async () => {
    const order = await submitAs(bot, PEOPLE.sanna, validOrder({ givenName: 'Sanna', surname: 'Korhonen', themes: 'palkkatietojen-katselu' }));
    const data = { orderId: order.id, v: order.updatedAt };
    const [a, b] = await Promise.all([
      bot.execute(PEOPLE.eija, 'admin.claim', data, channelConversation),
      bot.execute(PEOPLE.camilla, 'admin.claim', data, channelConversation),
    ]);
    const stale = [a, b].filter((c) => /Tilanne ehti muuttua|Läget hann ändras/.test(cardText(c)));
    assert.equal(stale.length, 1, 'one of the two is told it was too late');
    const final = (await bot.app.deps.orders.get(order.id))?.order as Order;
    const winner = final.assigneeId === PEOPLE.eija ? 'Eija Mäkelä' : 'Camilla Grönlund';
    assert.ok([PEOPLE.eija, PEOPLE.camilla].includes(final.assigneeId as never));
    assert.match(cardText(stale[0]), new RegExp(winner));
    const claims = (await bot.app.deps.orders.auditTrail(order.id)).filter((e) => e.action === 'claim');
    assert.equal(claims.length, 1);
  });

  it('a replayed invoke changes nothing twice', async () => {
    const order = await submitAs(bot, PEOPLE.sanna, validOrder({ givenName: 'Sanna', surname: 'Korhonen', themes: 'veroilmoittaminen' }));
    const data = { orderId: order.id, v: order.updatedAt };
    await bot.execute(PEOPLE.camilla, 'admin.claim', data, channelConversation);
    const afterFirst = (await bot.app.deps.orders.get(order.id))?.order as Order;
    const replay = await bot.execute(PEOPLE.camilla, 'admin.claim', data, channelConversation);
    assert.match(cardText(replay), /Tilanne ehti muuttua|Läget hann ändras/);
    const afterReplay = (await bot.app.deps.orders.get(order.id))?.order as Order;
    assert.equal(afterReplay.updatedAt, afterFirst.updatedAt);
    assert.equal((await bot.app.deps.orders.auditTrail(order.id)).filter((e) => e.action === 'claim').length, 1);
  });

  it('ask → the order waits, the requester answers from "Omat tilaukset", the answer reaches the thread', async () => {
    const order = await submitAs(bot, PEOPLE.mikko, validOrder({ themes: 'veroilmoittaminen' }));
    const form = await bot.execute(PEOPLE.camilla, 'admin.ask', { orderId: order.id, v: order.updatedAt }, channelConversation);
    const asked = await bot.execute(PEOPLE.camilla, 'admin.ask', { ...actionData(form, 'admin.ask'), question: 'Mihin yksikköön tarvitset tämän?' }, channelConversation);
    assert.match(cardText(asked), /Väntar på beställarens svar/, 'the clicking administrator gets their copy in their own language');
    await bot.sink.waitFor(() => bot.sink.allText().includes('Mihin yksikköön tarvitset'));
    const details = await bot.execute(PEOPLE.mikko, 'myOrderDetails', { orderId: order.id });
    assert.match(cardText(details), /Mihin yksikköön/);
    const answered = await bot.execute(PEOPLE.mikko, 'myOrderAnswer', { ...actionData(details, 'myOrderAnswer'), answer: 'Palkanlaskentaan.' });
    assert.match(cardText(answered), /Vastaus lähetetty/);
    assert.equal((await bot.app.deps.orders.get(order.id))?.order.status, 'open');
    await bot.sink.waitFor(() => bot.sink.allText().includes('Tilaaja vastasi: Palkanlaskentaan.'));
  });

  it('reject needs a reason, and the requester receives it', async () => {
    const order = await submitAs(bot, PEOPLE.sanna, validOrder({ givenName: 'Sanna', surname: 'Korhonen', themes: 'veroasioiden-hoito' }));
    const empty = await bot.execute(PEOPLE.eija, 'admin.reject', { orderId: order.id, v: order.updatedAt, submit: true, reason: '' }, channelConversation);
    assert.match(cardText(empty), /Anna syy/);
    const rejected = await bot.execute(PEOPLE.eija, 'admin.reject', { orderId: order.id, v: order.updatedAt, submit: true, reason: 'Ei tarvita tehtävässä.' }, channelConversation);
    assert.match(cardText(rejected), /Hylätty/);
    await bot.sink.waitFor(() => bot.sink.allText().includes('hylättiin. Syy: Ei tarvita tehtävässä.'));
    assert.equal((await bot.app.deps.orders.get(order.id))?.order.hetuCipher, null);
  });

  it('path 2: prepared → signatory signs from a personal card → sent → DVV grants → every waiting order becomes a grant task', async () => {
    const missing = 'verohallinnon-valvontaan-liittyvien-tietojen-toimittaminen';
    const themes = await bot.app.deps.catalog.themes();
    const themeId = themes.has(missing) ? missing : [...themes.values()].find((t) => !t.heldByOrganisation)?.id as string;
    assert.equal(themes.get(themeId)?.heldByOrganisation, false);
    const first = await submitAs(bot, PEOPLE.mikko, validOrder({ themes: themeId }));
    const second = await submitAs(bot, PEOPLE.sanna, validOrder({ givenName: 'Sanna', surname: 'Korhonen', themes: themeId }));
    assert.equal(first.lines[0].stage, 'review');

    let o = (await bot.app.deps.orders.get(first.id))?.order as Order;
    await bot.execute(PEOPLE.eija, 'admin.markPrepared', { orderId: o.id, v: o.updatedAt, line: 0 }, channelConversation);
    await bot.sink.waitFor(() => bot.sink.allText().includes('Allekirjoitettava valtuushakemus'));
    const refusedSign = await bot.execute(PEOPLE.eija, 'signatory.sign', { orderId: o.id, line: 0 });
    assert.match(cardText(refusedSign), /ei ole oikeutta/);
    o = (await bot.app.deps.orders.get(first.id))?.order as Order;
    const signed = await bot.execute(PEOPLE.kaarina, 'signatory.sign', { orderId: o.id, v: o.updatedAt, line: 0 });
    assert.match(cardText(signed), /Allekirjoitus vahvistettu/);
    o = (await bot.app.deps.orders.get(first.id))?.order as Order;
    await bot.execute(PEOPLE.eija, 'admin.markSent', { orderId: o.id, v: o.updatedAt, line: 0, submit: true, sentOn: '2026-11-27' }, channelConversation);
    o = (await bot.app.deps.orders.get(first.id))?.order as Order;
    assert.equal(o.lines[0].stage, 'sentToDvv');
    await bot.execute(PEOPLE.eija, 'admin.dvvGranted', { orderId: o.id, v: o.updatedAt, line: 0 }, channelConversation);

    bot.app.deps.catalogStore.invalidate();
    assert.equal((await bot.app.deps.catalog.themes()).get(themeId)?.heldByOrganisation, true, 'the theme is now held in the catalog');
    const a = (await bot.app.deps.orders.get(first.id))?.order as Order;
    const b = (await bot.app.deps.orders.get(second.id))?.order as Order;
    assert.equal(a.lines[0].stage, 'toGrant');
    assert.equal(b.lines[0].stage, 'toGrant', 'the other order waiting for the theme became a path-1 grant task by itself');
    await bot.sink.waitFor(() => bot.sink.allText().includes('DVV myönsi organisaatiolle valtuusasian'));

    const guide = await bot.execute(PEOPLE.camilla, 'admin.grantGuide', { orderId: b.id, v: b.updatedAt, line: 0 }, channelConversation);
    const done = await bot.execute(PEOPLE.camilla, 'admin.confirmGrant', { ...actionData(guide, 'admin.confirmGrant'), validFrom: '2026-12-01', validUntil: '2027-06-30' }, channelConversation);
    assert.match(cardText(done), /Klar/, 'Camilla (sv-FI) gets her copy in Swedish');
    assert.match(cardText(done), /Camilla Grönlund/, 'the card shows who granted it');
  });

  it('DVV refusing a theme tells every waiting requester why', async () => {
    const themes = await bot.app.deps.catalog.themes();
    const themeId = [...themes.values()].find((t) => !t.heldByOrganisation && t.active)?.id as string;
    const first = await submitAs(bot, PEOPLE.mikko, validOrder({ themes: themeId }));
    const second = await submitAs(bot, PEOPLE.sanna, validOrder({ givenName: 'Sanna', surname: 'Korhonen', themes: themeId }));
    for (const verb of ['admin.markPrepared', 'signatory.sign', 'admin.markSent']) {
      const o = (await bot.app.deps.orders.get(first.id))?.order as Order;
      const who = verb === 'signatory.sign' ? PEOPLE.kaarina : PEOPLE.eija;
      await bot.execute(who, verb, { orderId: o.id, v: o.updatedAt, line: 0, submit: true, sentOn: '2026-11-27' }, channelConversation);
    }
    const o = (await bot.app.deps.orders.get(first.id))?.order as Order;
    await bot.execute(PEOPLE.eija, 'admin.dvvRefused', { orderId: o.id, v: o.updatedAt, line: 0, submit: true, reason: 'Kunnalla ei ole lakisääteistä tehtävää.' }, channelConversation);
    const b = (await bot.app.deps.orders.get(second.id))?.order as Order;
    assert.equal(b.lines[0].stage, 'dvvRefused');
    assert.equal(b.status, 'rejected');
    await bot.sink.waitFor(() => bot.sink.allText().split('Kunnalla ei ole lakisääteistä tehtävää').length - 1 >= 2);
  });
});
