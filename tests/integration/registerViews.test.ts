import assert from 'node:assert/strict';
import { startTestBot, submitAs, PEOPLE, ADMIN_CHANNEL, TENANT, actionData, cardText, validOrder, type TestBot } from '../helpers/botHarness';
import { addCalendarDays, helsinkiDate } from '../../bot/domain/workdays';
import type { Grant } from '../../bot/store/grantStore';
import type { Order } from '../../bot/domain/order';

const channelConversation = { id: `${ADMIN_CHANNEL};messageid=1`, conversationType: 'channel', tenantId: TENANT, isGroup: true };

describe('register views: "Omat valtuudet" and the manager\'s view (Azurite, real app, connector sink)', function () {
  this.timeout(90_000);
  let bot: TestBot;
  const today = helsinkiDate(new Date());
  before(async () => { bot = await startTestBot(); });
  after(async () => { await bot?.stop(); });

  /**
   * What the bot answered `who` to a typed message or a menu button: only what went to their personal chat (a
   * notification of an earlier step, e.g. a thread reply in the channel, may reach the sink meanwhile).
   */
  async function reply(who: string, text: string, value?: Record<string, unknown>): Promise<string> {
    const toWho = (r: { path: string }) => decodeURIComponent(r.path).includes(`/conversations/a:personal-${who}/`);
    const before = bot.sink.sent().length;
    await bot.message(who, text, value ? { value } : {});
    await bot.sink.waitFor(() => bot.sink.sent().slice(before).some(toWho));
    return bot.sink.sent().slice(before).filter(toWho).map((r) => JSON.stringify(r.body)).join('\n');
  }

  const grant = (subjectId: string, themeId: string, themeName: string, validFrom: string, validUntil: string): Grant =>
    ({ subjectId, themeId, themeName, validFrom, validUntil, grantedBy: PEOPLE.eija, orderId: '', grantedAt: new Date().toISOString() });

  it('an order granted through the administrators\' flow shows in the requester\'s "Omat valtuudet" as voimassa', async () => {
    const empty = await reply(PEOPLE.mikko, '', { verb: 'menuMyMandates' });
    assert.match(empty, /Valtuusrekisterissä ei ole sinulle valtuuksia/, 'an empty register says so');
    assert.match(empty, /"verb":"menuOrder"/, 'and offers the order form');

    const order = await submitAs(bot, PEOPLE.mikko, validOrder());
    await bot.sink.waitFor(() => bot.sink.created().some((r) => JSON.stringify(r.body).includes(order.number)));
    await bot.execute(PEOPLE.eija, 'admin.claim', { orderId: order.id, v: order.updatedAt }, channelConversation);
    const claimed = (await bot.app.deps.orders.get(order.id))?.order as Order;
    const guide = await bot.execute(PEOPLE.eija, 'admin.grantGuide', { orderId: order.id, v: claimed.updatedAt, line: 0 }, channelConversation);
    const until = addCalendarDays(today, 200);
    const done = await bot.execute(PEOPLE.eija, 'admin.confirmGrant', { ...actionData(guide, 'admin.confirmGrant'), validFrom: today, validUntil: until }, channelConversation);
    assert.match(cardText(done), /Valmis/);

    const mine = await reply(PEOPLE.mikko, '', { verb: 'menuMyMandates' });
    assert.match(mine, /Omat valtuudet/);
    assert.match(mine, /Palkkatietojen ilmoittaminen/);
    assert.match(mine, /voimassa/);
    const [y, m, d] = until.split('-').map(Number);
    assert.ok(mine.includes(`${d}.${m}.${y}`), 'the end date as a Finnish reader writes it');
  });

  it('storage failing at the grant\'s register write: the administrator still hears "Valmis", and the entry is written from the outbox', async () => {
    const order = await submitAs(bot, PEOPLE.kaarina, validOrder());
    await bot.sink.waitFor(() => bot.sink.created().some((r) => JSON.stringify(r.body).includes(order.number)));
    await bot.execute(PEOPLE.eija, 'admin.claim', { orderId: order.id, v: order.updatedAt }, channelConversation);
    const claimed = (await bot.app.deps.orders.get(order.id))?.order as Order;
    const guide = await bot.execute(PEOPLE.eija, 'admin.grantGuide', { orderId: order.id, v: claimed.updatedAt, line: 0 }, channelConversation);
    const grants = bot.app.deps.grants;
    const put = grants.put.bind(grants);
    let failed = 0;
    grants.put = async () => { failed += 1; throw Object.assign(new Error('Service Unavailable'), { name: 'RestError', statusCode: 503 }); };
    let done: unknown;
    try {
      done = await bot.execute(PEOPLE.eija, 'admin.confirmGrant', { ...actionData(guide, 'admin.confirmGrant'), validFrom: today, validUntil: addCalendarDays(today, 100) }, channelConversation);
    } finally {
      grants.put = put;
    }
    assert.ok(failed >= 1, 'the register write was tried at once');
    assert.match(cardText(done), /Valmis/, 'the grant is committed: no error card');
    assert.equal((await bot.app.deps.orders.get(order.id))?.order.lines[0].stage, 'granted');
    // The registerGrant message retries after its backoff (a second or two).
    const deadline = Date.now() + 20_000;
    while (!(await grants.listFor(PEOPLE.kaarina)).some((g) => g.orderId === order.id)) {
      assert.ok(Date.now() < deadline, 'the outbox wrote the register entry');
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  it('an entry ending within 30 days shows as päättymässä, first; one that ended two years ago is not shown', async () => {
    await bot.app.deps.grants.put(grant(PEOPLE.mikko, 'veroilmoittaminen', 'Veroilmoittaminen', addCalendarDays(today, -300), addCalendarDays(today, 10)));
    await bot.app.deps.grants.put(grant(PEOPLE.mikko, 'tulliasioiden-hoito', 'Tulliasioiden hoito', addCalendarDays(today, -1000), addCalendarDays(today, -730)));
    const typed = await reply(PEOPLE.mikko, 'omat valtuudet');
    assert.match(typed, /päättymässä/);
    assert.ok(typed.indexOf('päättymässä') < typed.indexOf('voimassa'), 'what needs attention comes first');
    assert.ok(typed.indexOf('Veroilmoittaminen') < typed.indexOf('Palkkatietojen ilmoittaminen'));
    assert.ok(!typed.includes('Tulliasioiden hoito'), 'an entry that ended over a year ago is left out');
  });

  it('the manager sees the report\'s entries under their name, from the menu button and typed; the menu offers it', async () => {
    const menu = await reply(PEOPLE.aino, 'hei');
    assert.match(menu, /"verb":"menuTeamMandates"/, 'a manager\'s menu has the team view');
    assert.match(menu, /"verb":"menuMyMandates"/);
    const team = await reply(PEOPLE.aino, '', { verb: 'menuTeamMandates' });
    assert.match(team, /Alaisteni valtuudet/);
    assert.match(team, /Mikko Virtanen/);
    assert.match(team, /Veroilmoittaminen/);
    assert.match(team, /päättymässä/);
    assert.ok(team.indexOf('Mikko Virtanen') < team.indexOf('Veroilmoittaminen'), 'the entries stand under the report\'s name');
    const typed = await reply(PEOPLE.aino, 'alaisteni valtuudet');
    assert.match(typed, /Mikko Virtanen.*Palkkatietojen ilmoittaminen/s);
  });

  it('someone without direct reports is refused the team view (a forged button reads nothing) and has no such button', async () => {
    const menu = await reply(PEOPLE.mikko, 'hei');
    assert.ok(!menu.includes('menuTeamMandates'), 'no team button for someone without reports');
    const refused = await reply(PEOPLE.mikko, '', { verb: 'menuTeamMandates' });
    assert.match(refused, /Tämä näkymä on esihenkilöille/);
    assert.ok(!refused.includes('Alaisteni valtuudet') && !refused.includes('Veroilmoittaminen'), refused);
  });

  it('the typed intent works in Swedish and English, the card in the reader\'s language', async () => {
    await bot.app.deps.grants.put(grant(PEOPLE.johan, 'palkkatietojen-ilmoittaminen', 'Palkkatietojen ilmoittaminen', addCalendarDays(today, -30), addCalendarDays(today, 400)));
    const sv = await reply(PEOPLE.johan, 'Mina fullmakter');
    assert.match(sv, /Mina fullmakter/);
    assert.match(sv, /giltig/);
    assert.ok(!sv.includes('voimassa'), 'the state in Swedish');

    await reply(PEOPLE.sanna, 'language en');
    const emptyEn = await reply(PEOPLE.sanna, 'my mandates');
    assert.match(emptyEn, /The register holds no mandates for you/);
    await bot.app.deps.grants.put(grant(PEOPLE.sanna, 'veroilmoittaminen', 'Veroilmoittaminen', addCalendarDays(today, 5), addCalendarDays(today, 300)));
    const en = await reply(PEOPLE.sanna, 'My mandates');
    assert.match(en, /starts later/);
  });
});
