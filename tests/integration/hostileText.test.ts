import assert from 'node:assert/strict';
import { startTestBot, submitAs, PEOPLE, TENANT, ADMIN_CHANNEL, cardText, validOrder, type TestBot } from '../helpers/botHarness';
import { isHetuLike, findHetus } from '../../bot/domain/hetu';

/**
 * Issue 9, points 5–10, on the real server (restify + botbuilder + teams-ai, Azurite, the local Bot Connector
 * sink): what one person types reaches another only as plain text and never as a henkilötunnus; text that
 * used to break a save saves; a long message gets a polite answer; the code is not revealable before the
 * order is workable; local mode answers only the local client's tenant.
 */
const channelConversation = { id: `${ADMIN_CHANNEL};messageid=1`, conversationType: 'channel', tenantId: TENANT, isGroup: true };
const LINK = '[ohje tästä](https://evil.example/phish)';
const RLO = '\u202E';
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;

/** Every string the bot sent under these keys (message text, card text, fact values), found anywhere in the bodies. */
function sentStrings(bot: TestBot, from = 0): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) { node.forEach(walk); return; }
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (typeof v === 'string' && ['text', 'value', 'title'].includes(k)) out.push(v);
      else walk(v);
    }
  };
  bot.sink.requests.slice(from).forEach((r) => walk(r.body));
  return out;
}

/** No markdown link or autolink a Teams renderer would make clickable (escaped characters do not count). */
function assertNoLink(text: string, where: string): void {
  assert.ok(!/(?<!\\)\]\s*(?<!\\)\(/.test(text), `${where}: a markdown link survived: ${text}`);
  assert.ok(!/(?<!\\):\/\//.test(text), `${where}: a URL scheme survived: ${text}`);
  assert.ok(!/[\p{L}\p{N}](?<!\\)\.[\p{L}\p{N}]+\/phish/u.test(text), `${where}: a bare host survived: ${text}`);
  assert.ok(!BIDI.test(text), `${where}: a bidi control survived`);
}

/** Held themes, one per test, so no order clashes with another open order of the same person and theme. */
async function themePicker(bot: TestBot): Promise<() => string> {
  const held = [...(await bot.app.deps.catalog.themes()).values()].filter((t) => t.heldByOrganisation && t.active).map((t) => t.id);
  let next = 0;
  return () => held[next++ % held.length];
}

describe('hostile text on the real server (issue 9: links, bidi, loose henkilötunnus, U+2028, long messages, tenant)', function () {
  this.timeout(90_000);

  describe('local mode, no tenant configured', () => {
    let bot: TestBot;
    let theme: () => string;
    before(async () => { bot = await startTestBot(); theme = await themePicker(bot); });
    after(async () => { await bot?.stop(); });

    it('a requester\'s cancel reason with a markdown link and U+202E reaches the channel thread as plain text', async () => {
      const order = await submitAs(bot, PEOPLE.mikko, validOrder({ themes: theme() }));
      await bot.sink.waitFor(() => bot.sink.created().some((r) => JSON.stringify(r.body).includes(order.number)));
      const mark = bot.sink.requests.length;
      const reason = `Katso ${LINK} ${RLO}exe.pdf`;
      const cancelled = await bot.execute(PEOPLE.mikko, 'myOrderCancel', { orderId: order.id, reason });
      assert.match(cardText(cancelled), /peruutettu|peruutti/i);
      await bot.sink.waitFor(() => sentStrings(bot, mark).some((t) => t.startsWith('Tilaaja peruutti tilauksen')));
      const reply = sentStrings(bot, mark).find((t) => t.startsWith('Tilaaja peruutti tilauksen')) as string;
      assertNoLink(reply, 'thread reply');
      assert.ok(reply.includes('\\[ohje tästä\\]\\(https\\://evil\\.example/phish\\)'), `the characters stay visible: ${reply}`);
      assert.ok(reply.includes('exe\\.pdf'));
      // The requester's own history card shows the reason the same way.
      assertNoLink(cardText(await bot.execute(PEOPLE.mikko, 'myOrderDetails', { orderId: order.id })), 'history');
    });

    it('a given name shaped like a link is defused in the manager\'s message and in the channel card', async () => {
      const mark = bot.sink.requests.length;
      const givenName = '[klikkaa tästä](https://evil.example/phish)';
      const order = await submitAs(bot, PEOPLE.mikko, validOrder({ themes: theme(), givenName, justification: `Perustelu, jossa linkki www.evil.example ja ${RLO}fdp.exe mukana.` }));
      assert.equal(order.subject.givenName, givenName, 'stored as typed: only its display is neutralised');
      await bot.sink.waitFor(() => sentStrings(bot, mark).some((t) => t.includes('on tilannut valtuuden')));
      const managerMessage = sentStrings(bot, mark).find((t) => t.includes('on tilannut valtuuden')) as string;
      assertNoLink(managerMessage, 'manager message');
      assert.ok(managerMessage.includes('\\[klikkaa tästä\\]'));
      await bot.sink.waitFor(() => bot.sink.created().some((r) => JSON.stringify(r.body).includes(order.number)));
      const channelCard = bot.sink.created().find((r) => JSON.stringify(r.body).includes(order.number));
      for (const t of sentStrings(bot, bot.sink.requests.indexOf(channelCard as never))) assertNoLink(t, 'channel card');
      assert.ok(!JSON.stringify(channelCard?.body).includes('www.evil.example'));
    });

    it('a henkilötunnus written loosely is refused in form fields and redacted from reasons and answers; no trace in storage or outgoing messages', async () => {
      // DVV's test code 010594Y9032 as people type it: without the sign, with a space, a Unicode hyphen, lower case.
      const variants = ['0105949032', '010594 Y9032', '010594\u20109032', '020594x903p', '020503 F 9037', '０１０５９４Y９０３２'];
      const mark = bot.sink.requests.length;
      for (const v of variants) {
        for (const field of ['justification', 'givenName', 'department'] as const) {
          const value = field === 'justification' ? `Tarvitsen tämän valtuuden, tunnus ${v} mukana.` : `Anna ${v}`;
          const card = await bot.execute(PEOPLE.mikko, 'orderSubmit', validOrder({ themes: theme(), [field]: value }));
          assert.match(cardText(card), /Älä kirjoita henkilötunnusta tähän kenttään/, `${field} with ${JSON.stringify(v)}`);
          assert.ok(!/VB-\d{4}-\d{5}/.test(cardText(card)), 'no order was made');
        }
      }
      // Free text that is not refused (a cancel reason, an answer, an administrator's question) is redacted.
      const order = await submitAs(bot, PEOPLE.mikko, validOrder({ themes: theme() }));
      const form = await bot.execute(PEOPLE.eija, 'admin.ask', { orderId: order.id, v: order.updatedAt }, channelConversation);
      assert.ok(form);
      await bot.execute(PEOPLE.eija, 'admin.ask', { orderId: order.id, v: order.updatedAt, submit: true, question: `Onko tunnus ${variants[1]} oikein?` }, channelConversation);
      const asked = (await bot.app.deps.orders.get(order.id))?.order;
      await bot.execute(PEOPLE.mikko, 'myOrderAnswer', { orderId: order.id, v: asked?.updatedAt, answer: `On, ${variants[2]} ja ${variants[0]}` });
      await bot.execute(PEOPLE.mikko, 'myOrderCancel', { orderId: order.id, reason: `Väärä tunnus ${variants[3]}` });
      await bot.sink.waitFor(() => sentStrings(bot, mark).some((t) => t.startsWith('Tilaaja peruutti tilauksen')));
      const trail = await bot.app.deps.orders.auditTrail(order.id);
      assert.ok(trail.some((e) => (e.reason ?? '').includes('[HETU]')), 'the reasons were stored redacted');

      // Ids the bot makes (UUIDs, hex) are not typed text; random hex can look like a code, so they are left out.
      const withoutIds = (json: string) => json.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>');
      for (const t of sentStrings(bot, mark)) assert.ok(!isHetuLike(withoutIds(t)), `outgoing: ${t}`);
      for (const r of bot.sink.requests.slice(mark)) assert.ok(!isHetuLike(withoutIds(JSON.stringify(r.body))), `outgoing body: ${findHetus(JSON.stringify(r.body)).map((h) => JSON.stringify(r.body).slice(h.index - 30, h.index + h.length + 10)).join(' | ')}`);
      for (const table of ['orders', 'people', 'orderIndex', 'outboxIndex', 'users'] as const) {
        for await (const e of bot.app.tables.client(table).listEntities()) {
          const json = withoutIds(JSON.stringify(e)).replace(/\d{6}[-+A-FU-Y]\*{4}/g, ''); // the masked form of the hetu field
          assert.ok(!isHetuLike(json), `raw ${table} entity holds a henkilötunnus`);
          assert.ok(!json.includes('9032') || !/0105949032|010594.?.?Y?.?9032/i.test(json), `raw ${table} entity`);
        }
      }
    });

    it('U+2028, U+2029, NUL and a lone surrogate in a name and the justification save fine (as line breaks or nothing)', async () => {
      const order = await submitAs(bot, PEOPLE.mikko, validOrder({ themes: theme(), givenName: 'Mikko\u2028Juhani', surname: 'Virta\u0000nen',
        justification: 'Ensimmäinen rivi\u2028toinen rivi\u2029kolmas \uD800rivi ja tarpeeksi pitkä.' }));
      assert.equal(order.subject.givenName, 'Mikko Juhani', 'a name is one line');
      assert.equal(order.subject.surname, 'Virtanen');
      assert.equal(order.justification, 'Ensimmäinen rivi\ntoinen rivi\nkolmas rivi ja tarpeeksi pitkä.');
      await bot.sink.waitFor(() => bot.sink.created().some((r) => JSON.stringify(r.body).includes(order.number)));
      const stored = (await bot.app.deps.orders.get(order.id))?.order;
      assert.equal(stored?.justification, order.justification, 'read back from Azurite unchanged');
    });

    it('a 240 KB chat message gets "message too long" in the user\'s language, and the bot stays responsive', async () => {
      const mark = bot.sink.requests.length;
      const huge = `mikä on ${'valtuutusoikeus?! '.repeat(Math.ceil(240 * 1024 / 18))}`;
      const r = await bot.message(PEOPLE.mikko, huge);
      assert.ok(r.status >= 200 && r.status < 300, `status ${r.status}`);
      await bot.sink.waitFor(() => sentStrings(bot, mark).some((t) => t.includes('Viestisi on liian pitkä')));
      const mark2 = bot.sink.requests.length;
      await bot.message(PEOPLE.johan, 'x'.repeat(5000));
      await bot.sink.waitFor(() => sentStrings(bot, mark2).some((t) => t.includes('Ditt meddelande är för långt')));
      const health = await fetch(`${bot.app.url}/healthz/live`);
      assert.equal(health.status, 200);
    });

    it('local mode without a configured tenant answers the local client\'s tenant and refuses any other', async () => {
      const mark = bot.sink.requests.length;
      await bot.message(PEOPLE.mikko, 'hei', { conversation: { id: 'a:x', conversationType: 'personal', tenantId: '99999999-0000-4000-8000-000000000009' },
        channelData: { tenant: { id: '99999999-0000-4000-8000-000000000009' } } });
      const foreign = sentStrings(bot, mark);
      assert.ok(foreign.some((t) => /vain oman organisaation Teamsissa/.test(t)), foreign.join(' | '));
      assert.ok(!foreign.some((t) => t.includes('Tilaa valtuus')), 'no menu for another tenant');
      const mark2 = bot.sink.requests.length;
      await bot.message(PEOPLE.mikko, 'hei');
      assert.ok(sentStrings(bot, mark2).some((t) => t.includes('Tilaa valtuus')), 'the playground\'s tenant gets the menu');
    });
  });

  describe('manager approval on', () => {
    let bot: TestBot;
    let theme: () => string;
    before(async () => { bot = await startTestBot({ MANAGER_APPROVAL: 'true' }); theme = await themePicker(bot); });
    after(async () => { await bot?.stop(); });

    it('the henkilötunnus cannot be revealed while the order waits for the manager (refused, audit-logged); after approval it can', async () => {
      const givenName = '[klikkaa tästä](https://evil.example/phish)';
      const order = await submitAs(bot, PEOPLE.mikko, validOrder({ themes: theme(), givenName }));
      assert.equal(order.status, 'awaitingApproval');
      await bot.sink.waitFor(() => bot.sink.allText().includes('Hyväksyttävä valtuustilaus'));
      const approvalCard = bot.sink.requests.find((r) => JSON.stringify(r.body).includes('Hyväksyttävä valtuustilaus'));
      const approvalTexts: string[] = [];
      JSON.stringify(approvalCard?.body, (k, v) => { if (typeof v === 'string' && k === 'text') approvalTexts.push(v); return v; });
      for (const t of approvalTexts) assertNoLink(t, 'manager approval card');

      for (const data of [{ orderId: order.id, line: 0 }, { orderId: order.id }]) {
        const refused = await bot.execute(PEOPLE.eija, 'admin.revealHetu', data, channelConversation);
        assert.match(cardText(refused), /Henkilötunnusta ei voi vielä näyttää/);
        assert.ok(!cardText(refused).includes('010594Y9032'), 'no code in the answer');
      }
      const guide = await bot.execute(PEOPLE.eija, 'admin.grantGuide', { orderId: order.id, line: 0 }, channelConversation);
      assert.ok(!/Näytä henkilötunnus/.test(JSON.stringify(guide)) || /ei ole/.test(cardText(guide)), 'no grant guide before approval');
      const trail = await bot.app.deps.orders.auditTrail(order.id);
      assert.equal(trail.filter((e) => e.action === 'denied:revealHetu' && e.detail === 'notWorkable').length, 2, 'each refusal audit-logged');
      assert.ok(!trail.some((e) => e.action === 'revealHetu'));

      const approved = await bot.execute(PEOPLE.aino, 'manager.approve', { orderId: order.id, v: order.updatedAt });
      assert.match(cardText(approved), /Päätös kirjattu/);
      const shown = await bot.execute(PEOPLE.eija, 'admin.revealHetu', { orderId: order.id, line: 0 }, channelConversation);
      assert.match(cardText(shown), /010594Y9032/, 'once the order is with the administrators the code is shown to the one asking');
    });
  });
});
