import assert from 'node:assert/strict';
import { odata } from '@azure/data-tables';
import { startTestBot, PEOPLE, cardText, actionData, validOrder, type TestBot } from '../helpers/botHarness';

describe('employee ordering against Azurite (real app, real botbuilder, connector sink)', function () {
  this.timeout(60_000);
  let bot: TestBot;
  before(async () => { bot = await startTestBot(); });
  after(async () => { await bot?.stop(); });

  it('"hei" answers with the Finnish menu for a Finnish speaker and the Swedish one for a Swedish speaker', async () => {
    await bot.message(PEOPLE.mikko, 'hei');
    await bot.message(PEOPLE.johan, 'hej', { locale: 'en-US' });
    const replies = bot.sink.sent().map((r) => JSON.stringify(r.body));
    assert.ok(replies.some((r) => r.includes('Tilaa valtuus') && r.includes('Hei Mikko')));
    assert.ok(replies.some((r) => r.includes('Beställ fullmakt') && r.includes('Hej Johan')), 'directory preferredLanguage sv-FI wins over the playground-style en-US locale');
  });

  it('each menu button (Action.Submit) opens its view instead of being read as an unknown message', async () => {
    const expected: Array<[string, RegExp]> = [['menuOrder', /Valtuuden tilaus/], ['menuMyOrders', /Omat tilaukset/],
      ['menuSuggest', /Valtuudet, joita työsi tarvitsee/], ['menuGlossary', /Sanasto/], ['menuLanguage', /Valitse kieli/]];
    for (const [verb, view] of expected) {
      const before = bot.sink.sent().length;
      await bot.message(PEOPLE.mikko, '', { value: { verb } });
      const reply = bot.sink.sent().slice(before).map((r) => JSON.stringify(r.body)).join('\n');
      assert.match(reply, view, verb);
      assert.ok(!reply.includes('En ymmärtänyt'), `${verb} was taken for an unknown message`);
    }
  });

  it('"kieli sv" switches to Swedish and is remembered over the Teams locale; "kieli" alone offers the choice', async () => {
    const before = bot.sink.sent().length;
    await bot.message(PEOPLE.sanna, 'kieli sv');
    await bot.message(PEOPLE.sanna, 'hei', { locale: 'fi-FI' });
    await bot.message(PEOPLE.sanna, 'kieli');
    const replies = bot.sink.sent().slice(before).map((r) => JSON.stringify(r.body));
    assert.match(replies[0], /Språket har bytts: svenska/);
    assert.match(replies[1], /Hej Sanna!.*Beställ fullmakt/);
    assert.match(replies[2], /Välj språk.*Suomi.*Svenska.*English/);
    await bot.message(PEOPLE.sanna, 'language fi');
    assert.match(JSON.stringify(bot.sink.sent().at(-1)?.body), /Kieli vaihdettu: suomi/);
  });

  it('an order is validated, stored with its audit event, confirmed with a readable number and posted to the channel', async () => {
    const card = await bot.execute(PEOPLE.mikko, 'orderSubmit', validOrder({
      themes: 'palkkatietojen-katselu', customThemeName: 'Uusi valtuusasia', customThemeEservice: 'Kela' }));
    const text = cardText(card);
    const number = /Tilaus vastaanotettu: (VB-\d{4}-\d{5})/.exec(text)?.[1];
    assert.ok(number, text);
    assert.match(text, /010594Y\*\*\*\*/);
    assert.ok(!text.includes('010594Y9032'), 'the confirmation shows the masked code only');
    assert.match(text, /tavoite 3 työpäivää/);
    assert.match(text, /tavoite 4–6 viikkoa/);

    const order = await bot.app.deps.orders.findByNumber(number);
    assert.ok(order);
    assert.deepEqual(order.lines.map((l) => l.path), ['existing', 'missing']);
    const trail = await bot.app.deps.orders.auditTrail(order.id);
    assert.equal(trail[0].action, 'submit');

    // The raw entity in Azurite never holds the code in clear text.
    const raw: string[] = [];
    for await (const e of bot.app.tables.client('orders').listEntities({ queryOptions: { filter: odata`PartitionKey eq ${order.id}` } })) raw.push(JSON.stringify(e));
    assert.ok(raw.length >= 3, 'order, audit and outbox rows share the partition');
    assert.ok(raw.every((r) => !r.includes('010594Y9032') && !/010594Y9/.test(r.replace('010594Y****', ''))));
    assert.match(raw.join(''), /"hetuCipher":"v1\./);

    await bot.sink.waitFor(() => bot.sink.created().some((r) => JSON.stringify(r.body).includes(number)));
    const post = bot.sink.created().find((r) => JSON.stringify(r.body).includes(number));
    assert.equal((post?.body.channelData as { channel: { id: string } }).channel.id, '19:tilaukset@thread.tacv2');
    assert.ok(!JSON.stringify(post?.body).includes('010594Y'), 'no henkilötunnus, not even masked, in the channel');
  });

  it('a wrong henkilötunnus comes back on the same card with every other typed value kept, the code field empty with a note', async () => {
    const data = validOrder({ hetu: '010594Y9033', themes: 'veroilmoittaminen', justification: 'Tarvitsen tätä veroilmoitusten tekemiseen.' });
    const card = await bot.execute(PEOPLE.mikko, 'orderSubmit', data);
    const json = JSON.stringify(card);
    assert.match(cardText(card), /Tarkistusmerkki ei täsmää/);
    for (const value of ['Tarvitsen tätä veroilmoitusten tekemiseen.', 'veroilmoittaminen', String(data.validUntil)]) {
      assert.ok(json.includes(value), `kept: ${value}`);
    }
    // The re-sent card stays in the chat transcript: the code is never in it, not even partly.
    assert.ok(!/010594Y9/i.test(json), 'the typed henkilötunnus came back in the card');
    assert.match(cardText(card), /Kirjoita se uudelleen/);
    assert.equal(actionData(card, 'orderSubmit').token, data.token, 'the retry keeps the token, so it is still one order');
  });

  it('local mode accepts DVV\'s published test codes (temporary range), so the app can be tried without a real code', async () => {
    const local = await bot.execute(PEOPLE.sanna, 'orderSubmit', validOrder({ givenName: 'Sanna', surname: 'Korhonen', hetu: '020594X903P', themes: 'veroasioiden-hoito' }));
    assert.match(cardText(local), /Tilaus vastaanotettu/);
  });

  it('a double click, a retried invoke or an old card sent again creates one order', async () => {
    const data = validOrder({ themes: 'veroasioiden-hoito' });
    const [a, b] = await Promise.all([bot.execute(PEOPLE.mikko, 'orderSubmit', data), bot.execute(PEOPLE.mikko, 'orderSubmit', data)]);
    const again = await bot.execute(PEOPLE.mikko, 'orderSubmit', data);
    const numbers = [a, b, again].map((c) => /(VB-\d{4}-\d{5})/.exec(cardText(c))?.[1]);
    assert.ok(numbers[0]);
    assert.deepEqual(new Set(numbers).size, 1, `one order number for all three: ${numbers.join(', ')}`);
    assert.match(cardText(again), /oli jo lähetetty/);
    const mine = await bot.app.deps.orders.listByRequester(PEOPLE.mikko);
    assert.equal(mine.filter((o) => o.lines.some((l) => l.themeId === 'veroasioiden-hoito')).length, 1);
  });

  it('the same theme ordered again while open is refused with the open order shown', async () => {
    const card = await bot.execute(PEOPLE.mikko, 'orderSubmit', validOrder({ themes: 'veroasioiden-hoito' }));
    assert.match(cardText(card), /on jo tilattu: tilaus VB-\d{4}-\d{5} on käsittelyssä/);
  });

  it('"Omat tilaukset" lists the orders; the details show the history; an open order can be cancelled and its code is destroyed', async () => {
    await bot.message(PEOPLE.mikko, 'omat tilaukset');
    const list = bot.sink.sent().map((r) => JSON.stringify(r.body)).reverse().find((b) => b.includes('Omat tilaukset'));
    assert.ok(list && /VB-\d{4}-\d{5}/.test(list));
    const order = (await bot.app.deps.orders.listByRequester(PEOPLE.mikko)).find((o) => o.lines.some((l) => l.themeId === 'veroasioiden-hoito'));
    assert.ok(order?.hetuCipher);
    const details = await bot.execute(PEOPLE.mikko, 'myOrderDetails', { orderId: order.id });
    assert.match(cardText(details), /Tapahtumat/);
    const cancelled = await bot.execute(PEOPLE.mikko, 'myOrderCancel', { orderId: order.id, reason: 'Tehtävä siirtyi toiselle.' });
    assert.match(cardText(cancelled), /on peruutettu/);
    const after = (await bot.app.deps.orders.get(order.id))?.order;
    assert.equal(after?.status, 'cancelled');
    assert.equal(after?.hetuCipher, null);
  });

  it('someone else cannot see or cancel my order (ids in card data are not trusted)', async () => {
    const order = (await bot.app.deps.orders.listByRequester(PEOPLE.mikko)).find((o) => o.status === 'open');
    assert.ok(order);
    assert.match(cardText(await bot.execute(PEOPLE.johan, 'myOrderDetails', { orderId: order.id })), /inte rätt/);
    assert.match(cardText(await bot.execute(PEOPLE.johan, 'myOrderCancel', { orderId: order.id, reason: 'x' })), /inte rätt/);
    assert.equal((await bot.app.deps.orders.get(order.id))?.order.status, 'open');
    const trail = await bot.app.deps.orders.auditTrail(order.id);
    assert.ok(trail.some((e) => e.action === 'denied:cancel' && e.actorId === PEOPLE.johan), 'the refusal is audit-logged');
  });
});
