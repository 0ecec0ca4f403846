import assert from 'node:assert/strict';
import { startTestBot, PEOPLE, ADMIN_CHANNEL, TENANT, actionData, cardText, validOrder, type TestBot } from '../helpers/botHarness';
import { createLogger } from '../../bot/log';
import { OutboxDispatcher } from '../../bot/notify/dispatcher';
import { OutboxStore } from '../../bot/store/outboxStore';
import { TaskStore } from '../../bot/store/taskStore';
import { BotConnectorMessenger } from '../../bot/notify/messenger';
import { createRenderer } from '../../bot/presenters/notifications';
import { runRegisterSweep, type SweepDeps } from '../../bot/services/registerSweep';
import { chooseLanguage } from '../../bot/services/people';
import { noticePartition, type NoticeFacts } from '../../bot/domain/registerTask';
import { runRegisterCli } from '../../bot/cli/register';
import { SlaWatch } from '../../bot/notify/slaWatch';
import { projectRoot } from '../../bot/catalog/seed';
import type { Grant } from '../../bot/store/grantStore';
import type { Order } from '../../bot/domain/order';
import type { OutboxRecord } from '../../bot/domain/outbox';

const channelConversation = { id: `${ADMIN_CHANNEL};messageid=1`, conversationType: 'channel', tenantId: TENANT, isGroup: true };
/** Noon in Helsinki on a day (the sweep looks at the Helsinki day). */
const at = (day: string): Date => new Date(`${day}T10:00:00.000Z`);

const entry = (subjectId: string, themeId: string, themeName: string, validFrom: string, validUntil: string, extra: Partial<Grant> = {}): Grant =>
  ({ subjectId, themeId, themeName, validFrom, validUntil, grantedBy: 'Kaisa Kirjaaja', orderId: '', grantedAt: '2025-12-01T10:00:00.000Z',
    source: { kind: 'import', file: 'rekisteri.csv', row: 2 }, ...extra });

const VERO = { id: 'veroilmoittaminen', name: 'Veroilmoittaminen' };
const PALKKA = { id: 'palkkatietojen-ilmoittaminen', name: 'Palkkatietojen ilmoittaminen' };
/** The catalog says the organisation does not hold this theme (a DVV application first): the longer lead times. */
const TULLI = { id: 'tulliasioiden-hoito', name: 'Tulliasioiden hoito' };

describe('renewal before expiry (Azurite, injected clock)', function () {
  this.timeout(120_000);
  let bot: TestBot;
  let clock: Date;
  beforeEach(async () => {
    clock = at('2026-11-30');
    bot = await startTestBot({}, { now: () => clock });
  });
  afterEach(async () => { await bot?.stop(); });

  const sweepDeps = (tasks = bot.app.deps.tasks): SweepDeps => ({ ...bot.app.deps, tasks });
  const renewal = async (day: string, tasks?: TaskStore) => {
    clock = at(day);
    const report = await runRegisterSweep(sweepDeps(tasks));
    return report.steps.find((s) => s.name === 'renewal')?.counts;
  };
  /** The notices queued for a person and not yet delivered (the dispatcher is stopped in these tests). */
  const queued = async (personId: string): Promise<Array<{ event: string; facts: NoticeFacts }>> =>
    (await new OutboxStore(bot.app.tables).pendingMessages(noticePartition(personId)))
      .map((r: OutboxRecord) => r.message).filter((m) => m.kind === 'notice').map((m) => m.kind === 'notice' ? { event: m.event, facts: m.facts } : assert.fail());

  function dispatcher(): OutboxDispatcher {
    const deps = bot.app.deps;
    return new OutboxDispatcher({
      store: new OutboxStore(bot.app.tables), orders: deps.orders, tasks: deps.tasks, log: createLogger('silent'),
      messenger: new BotConnectorMessenger({ adapter: bot.app.adapter, appId: '', tenantId: () => TENANT, serviceUrl: () => bot.sink.url }),
      render: createRenderer({ directory: deps.directory, users: deps.users, adminLang: 'fi' }),
      adminChannelId: () => ADMIN_CHANNEL,
      personalReference: async (userId) => ({ userId }),
      now: () => clock.getTime(),
    });
  }

  describe('the sweep', () => {
    beforeEach(async () => { await bot.app.dispatcher.stop(); });

    it('window edges: nothing 31 days before; holder and manager once at 30 (two instances, two sweeps); the 7-day one; "ended" once', async () => {
      await bot.app.deps.grants.put(entry(PEOPLE.mikko, VERO.id, VERO.name, '2025-12-31', '2026-12-31'));
      assert.deepEqual(await renewal('2026-11-30'), { reminders: 0, managerReminders: 0, expired: 0 }, 'day 31 before the end: nothing');
      assert.deepEqual(await queued(PEOPLE.mikko), []);

      // Two instances (each its own TaskStore over the same storage) sweep the same day at once, then one again.
      clock = at('2026-12-01');
      const other = new TaskStore(bot.app.tables, { now: () => clock });
      const both = await Promise.all([runRegisterSweep(sweepDeps()), runRegisterSweep(sweepDeps(other))]);
      const counts = both.map((r) => r.steps[0].counts);
      assert.equal(counts[0].reminders + counts[1].reminders, 1, JSON.stringify(both));
      assert.equal(counts[0].managerReminders + counts[1].managerReminders, 1);
      assert.deepEqual(await renewal('2026-12-01'), { reminders: 0, managerReminders: 0, expired: 0 }, 'a third sweep the same day: nothing');
      assert.deepEqual(await renewal('2026-12-02'), { reminders: 0, managerReminders: 0, expired: 0 }, 'the next day: nothing new');
      assert.deepEqual(await queued(PEOPLE.mikko), [{ event: 'renewalReminder', facts: { themeId: VERO.id, themeName: VERO.name, validFrom: '2025-12-31',
        validUntil: '2026-12-31', leadDays: 30, daysLeft: 30 } }]);
      const toManager = await queued(PEOPLE.aino);
      assert.deepEqual(toManager.map((n) => [n.event, n.facts.holderId, n.facts.leadDays]), [['renewalReminderForManager', PEOPLE.mikko, 30]]);

      assert.deepEqual(await renewal('2026-12-24'), { reminders: 1, managerReminders: 1, expired: 0 }, '7 days before: the second reminder');
      assert.deepEqual(await renewal('2026-12-31'), { reminders: 0, managerReminders: 0, expired: 0 }, 'the last day: nothing more');
      assert.deepEqual((await queued(PEOPLE.mikko)).map((n) => n.facts.leadDays), [30, 7]);

      assert.deepEqual(await renewal('2027-01-01'), { reminders: 0, managerReminders: 0, expired: 1 }, 'the day after the end: "ended"');
      assert.deepEqual(await renewal('2027-01-02'), { reminders: 0, managerReminders: 0, expired: 0 }, 'once');
      assert.deepEqual((await queued(PEOPLE.mikko)).map((n) => n.event), ['renewalReminder', 'renewalReminder', 'expired']);

      // Delivered: the holder's reminder is a card with the one-click renewal (the entry's key only); the manager's a text.
      assert.equal(await dispatcher().runOnce(), 5, 'two reminders and "ended" to the holder, two to the manager');
      const toMikko = bot.sink.sent().map((r) => JSON.stringify(r.body)).filter((b) => b.includes('Tilaa jatko'));
      assert.equal(toMikko.length, 2, 'two reminder cards');
      assert.match(toMikko[1], /päättyy 31\.12\.2026 \(7 päivän päästä\)/);
      assert.match(toMikko[1], /"verb":"menuRenew","themeId":"veroilmoittaminen","validFrom":"2025-12-31"/);
      assert.ok(bot.sink.sent().some((r) => JSON.stringify(r.body).includes('Alaisesi Mikko Virtanen valtuus \\"Veroilmoittaminen\\" päättyy 31.12.2026 (30 päivän päästä)')));
      assert.ok(bot.sink.sent().some((r) => JSON.stringify(r.body).includes('Valtuutesi \\"Veroilmoittaminen\\" päättyi 31.12.2026')));
    });

    it('a manager of many reports gets every notice the sweep writes at the same instant (no outbox key collision drops one)', async () => {
      const notices = Array.from({ length: 120 }, (_, i) => bot.app.deps.tasks.notice(PEOPLE.aino, `renewal|report-${i}|vero|2025-12-31|30`,
        [{ kind: 'notice', recipientId: PEOPLE.aino, event: 'renewalReminderForManager', facts: { themeId: VERO.id, themeName: VERO.name,
          validFrom: '2025-12-31', validUntil: '2026-12-31', leadDays: 30, holderId: `report-${i}` } }]));
      assert.deepEqual(new Set(await Promise.all(notices)), new Set(['queued']));
      assert.equal((await queued(PEOPLE.aino)).length, 120);
    });

    it('catch-up: a sweep that missed the 30-day day sends it later; one that missed both sends only the 7-day one and marks both', async () => {
      await bot.app.deps.grants.putMany([
        entry(PEOPLE.mikko, VERO.id, VERO.name, '2025-12-31', '2026-12-31'),
        entry(PEOPLE.sanna, VERO.id, VERO.name, '2025-12-31', '2026-12-31'),
      ]);
      assert.deepEqual(await renewal('2026-12-10'), { reminders: 2, managerReminders: 2, expired: 0 }, 'missed the 30-day day: sent on the next sweep');
      await bot.app.deps.grants.put(entry(PEOPLE.johan, PALKKA.id, PALKKA.name, '2025-12-31', '2026-12-31'));
      assert.deepEqual(await renewal('2026-12-26'), { reminders: 3, managerReminders: 3, expired: 0 });
      const johan = await queued(PEOPLE.johan);
      assert.deepEqual(johan.map((n) => [n.facts.leadDays, n.facts.daysLeft]), [[7, 5]], 'only the nearest, saying the true days left');
      assert.equal(await bot.app.deps.tasks.noticeSent(PEOPLE.johan, `renewal|${PALKKA.id}|2025-12-31|30`), true, 'the passed one is marked');
      assert.deepEqual(await renewal('2026-12-27'), { reminders: 0, managerReminders: 0, expired: 0 }, 'and never sent after the 7-day one');
    });

    it('an ordinary day reads only what fell due since the last run, and the holders written since; a same-day re-run checks the whole window', async () => {
      await bot.app.deps.grants.putMany([
        entry(PEOPLE.mikko, VERO.id, VERO.name, '2025-12-31', '2026-12-31'), // 30-day day 1.12.
        entry(PEOPLE.mikko, PALKKA.id, PALKKA.name, '2025-12-20', '2026-12-20'), // 30-day day 20.11. (before the first run)
        entry(PEOPLE.sanna, VERO.id, VERO.name, '2026-01-20', '2027-01-20'), // nothing due until 21.12.
      ]);
      // Counts the entries the renewal step looks at closely (each one's marker read).
      let checked: string[] = [];
      const tasks = bot.app.deps.tasks;
      const counting = Object.assign(Object.create(tasks) as TaskStore, {
        noticeSent: (personId: string, marker: string) => { checked.push(marker); return tasks.noticeSent(personId, marker); },
      });
      assert.deepEqual(await renewal('2026-11-30', counting), { reminders: 1, managerReminders: 1, expired: 0 }, 'the first run: the whole window, PALKKA caught up');
      assert.deepEqual(checked, [`renewal|${PALKKA.id}|2025-12-20|30`], 'the one entry with a reminder due');

      checked = [];
      assert.deepEqual(await renewal('2026-12-01', counting), { reminders: 1, managerReminders: 1, expired: 0 }, 'VERO\'s 30-day day');
      assert.deepEqual(checked, [`renewal|${VERO.id}|2025-12-31|30`], 'only the entry whose lead day came since yesterday\'s run');

      // Recorded after that run: an entry whose 30-day day has passed (an import) is looked at on the next day.
      clock = at('2026-12-01');
      await bot.app.deps.grants.put(entry(PEOPLE.johan, PALKKA.id, PALKKA.name, '2025-12-15', '2026-12-15'));
      checked = [];
      assert.deepEqual(await renewal('2026-12-02', counting), { reminders: 1, managerReminders: 1, expired: 0 });
      assert.deepEqual(checked, [`renewal|${PALKKA.id}|2025-12-15|30`]);
      assert.deepEqual((await queued(PEOPLE.johan)).map((n) => [n.facts.leadDays, n.facts.daysLeft]), [[30, 13]]);
      checked = [];
      assert.deepEqual(await renewal('2026-12-03', counting), { reminders: 0, managerReminders: 0, expired: 0 });
      assert.deepEqual(checked, [], 'a holder is looked at once after a write');

      // The operator's second run on the same day checks everything in the window again, and sends nothing twice.
      assert.deepEqual(await renewal('2026-12-03', counting), { reminders: 0, managerReminders: 0, expired: 0 });
      assert.equal(checked.length, 3, checked.join(', '));
    });

    it('a theme the organisation does not hold is reminded at the longer lead times (60 days)', async () => {
      await bot.app.deps.grants.putMany([
        entry(PEOPLE.mikko, TULLI.id, TULLI.name, '2026-01-29', '2027-01-29'),
        entry(PEOPLE.mikko, VERO.id, VERO.name, '2026-01-29', '2027-01-29'),
      ]);
      assert.deepEqual(await renewal('2026-11-29'), { reminders: 0, managerReminders: 0, expired: 0 }, '61 days before');
      assert.deepEqual(await renewal('2026-11-30'), { reminders: 1, managerReminders: 1, expired: 0 }, '60 days before: the not-held theme only');
      assert.deepEqual((await queued(PEOPLE.mikko)).map((n) => [n.facts.themeId, n.facts.leadDays]), [[TULLI.id, 60]]);
    });

    it('no reminder for an entry already renewed, revoked, or whose renewal is on an open order; no "ended" for one renewed', async () => {
      await bot.app.deps.grants.putMany([
        entry(PEOPLE.mikko, VERO.id, VERO.name, '2025-12-31', '2026-12-31'),
        entry(PEOPLE.mikko, VERO.id, VERO.name, '2026-12-31', '2027-12-31'),
        entry(PEOPLE.sanna, VERO.id, VERO.name, '2025-12-31', '2026-12-31', { revokedAt: '2026-06-01T10:00:00.000Z', revokedBy: PEOPLE.eija }),
        entry(PEOPLE.sanna, PALKKA.id, PALKKA.name, '2025-12-31', '2026-12-31'),
      ]);
      clock = at('2026-12-05');
      // Sanna's renewal of PALKKA is ordered (inside the window: a continuation) and still open.
      const order = await bot.execute(PEOPLE.sanna, 'orderSubmit', validOrder({ givenName: 'Sanna', surname: 'Mäkinen', themes: PALKKA.id, validUntil: '2027-12-31' }));
      assert.match(cardText(order), /VB-2026-/, cardText(order));
      assert.deepEqual(await renewal('2026-12-05'), { reminders: 0, managerReminders: 0, expired: 0 });
      assert.deepEqual(await renewal('2027-01-01'), { reminders: 0, managerReminders: 0, expired: 1 }, 'only Sanna\'s PALKKA ended unrenewed (its order still open)');
      assert.deepEqual(await queued(PEOPLE.mikko), []);
    });

    it('`npm run register -- sweep --at` runs the sweep for that day and prints the counts', async () => {
      await bot.app.deps.grants.put(entry(PEOPLE.mikko, VERO.id, VERO.name, '2025-12-31', '2026-12-31'));
      const out: string[] = [];
      const err: string[] = [];
      const storage = bot.app.config.storage;
      const run = (...argv: string[]) => runRegisterCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), cwd: process.cwd(), root: projectRoot(),
        now: () => at('2026-11-30'), env: { AZURE_TABLES_CONNECTION_STRING: storage.kind === 'connectionString' ? storage.connectionString : '',
          TABLE_PREFIX: storage.prefix } });
      assert.equal(await run('sweep'), 0, err.join('\n'));
      assert.match(out.join('\n'), /renewal: reminders 0, managerReminders 0, expired 0/, 'today (the context\'s clock): 31 days before');
      out.length = 0;
      assert.equal(await run('sweep', '--at', '2026-12-01'), 0, err.join('\n'));
      assert.match(out.join('\n'), /Register sweep for 2026-12-01/);
      assert.match(out.join('\n'), /renewal: reminders 1, managerReminders 1, expired 0/);
      out.length = 0;
      assert.equal(await run('sweep', '--at', '2026-12-01'), 0);
      assert.match(out.join('\n'), /renewal: reminders 0, managerReminders 0, expired 0/, 'run again: nothing twice');
    });
  });

  it('the administrators\' daily digest lists what ends in the next 30 days, soonest first, with whether a renewal is recorded or ordered', async () => {
    clock = at('2026-11-30'); // a Monday
    await bot.app.deps.grants.putMany([
      entry(PEOPLE.mikko, VERO.id, VERO.name, '2025-12-30', '2026-12-30'),
      entry(PEOPLE.mikko, VERO.id, VERO.name, '2026-12-30', '2027-12-30'),
      entry(PEOPLE.sanna, PALKKA.id, PALKKA.name, '2025-12-15', '2026-12-15'),
      entry(PEOPLE.johan, PALKKA.id, PALKKA.name, '2025-12-05', '2026-12-05'),
      entry(PEOPLE.johan, VERO.id, VERO.name, '2025-12-05', '2026-12-05', { revokedAt: '2026-06-01T10:00:00.000Z' }),
      entry(PEOPLE.aino, VERO.id, VERO.name, '2026-01-01', '2027-01-01'),
    ]);
    const ordered = await bot.execute(PEOPLE.sanna, 'orderSubmit', validOrder({ givenName: 'Sanna', surname: 'Mäkinen', themes: PALKKA.id, validUntil: '2027-12-15' }));
    assert.match(cardText(ordered), /jatko, alkaa 15\.12\.2026/);
    clock = new Date('2026-11-30T12:00:00Z');
    const digests: object[] = [];
    await new SlaWatch({ deps: bot.app.deps, log: createLogger('silent'), postDigest: async (c) => { digests.push(c); } }).runOnce();
    const text = cardText(digests[0]);
    assert.match(text, /Päättyy 30 päivän sisällä: 3/, 'Aino\'s ends in 32 days; Johan\'s revoked one is not counted');
    assert.match(text, /\nJohan Sjöberg · Palkkatietojen ilmoittaminen · päättyy 5\.12\.2026 · ei jatkoa\nSanna Korhonen · Palkkatietojen ilmoittaminen · päättyy 15\.12\.2026 · jatko tilattu\nMikko Virtanen · Veroilmoittaminen · päättyy 30\.12\.2026 · jatko kirjattu(\n|$)/);
  });

  describe('ordering a renewal', () => {
    /** What the bot answered `who` to a menu button. */
    async function reply(who: string, value: Record<string, unknown>): Promise<Record<string, unknown>> {
      const before = bot.sink.sent().length;
      await bot.message(who, '', { value });
      await bot.sink.waitFor(() => bot.sink.sent().length > before);
      const card = bot.sink.sent().slice(before).map((r) => (r.body.attachments as Array<{ content: unknown }> | undefined)?.[0]?.content).find(Boolean);
      return card as Record<string, unknown>;
    }
    const old = entry(PEOPLE.mikko, PALKKA.id, PALKKA.name, '2025-12-31', '2026-12-31');

    it('is refused before the window with the day it opens (fi, sv, en), and the renew button says the same', async () => {
      await bot.app.deps.grants.put(old);
      clock = at('2026-11-30');
      const fi = await bot.execute(PEOPLE.mikko, 'orderSubmit', validOrder({ validUntil: '2027-12-31' }));
      assert.match(cardText(fi), /"Palkkatietojen ilmoittaminen" on jo voimassa 31\.12\.2026 asti\. Jatkon voi tilata 1\.12\.2026 alkaen\./);
      await chooseLanguage(bot.app.deps, PEOPLE.mikko, 'sv');
      const sv = await bot.execute(PEOPLE.mikko, 'orderSubmit', validOrder({ validUntil: '2027-12-31' }));
      assert.match(cardText(sv), /Fortsättningen kan beställas från och med 1\.12\.2026\./);
      await chooseLanguage(bot.app.deps, PEOPLE.mikko, 'en');
      const en = await bot.execute(PEOPLE.mikko, 'orderSubmit', validOrder({ validUntil: '2027-12-31' }));
      assert.match(cardText(en), /"Palkkatietojen ilmoittaminen" is already valid until 31 Dec 2026\. A renewal can be ordered from 1 Dec 2026\./);
      assert.doesNotMatch(cardText(en), /VB-2026-/);
      await chooseLanguage(bot.app.deps, PEOPLE.mikko, 'fi');
      const early = await reply(PEOPLE.mikko, { verb: 'menuRenew', themeId: PALKKA.id, validFrom: old.validFrom });
      assert.match(cardText(early), /Jatkon voi tilata 1\.12\.2026 alkaen/);
    });

    it('inside the window: the renew button opens the form prefilled; the order is a continuation; the grant records the new entry from the old one\'s last day', async () => {
      await bot.app.deps.grants.put(old);
      clock = at('2026-12-10');
      const forged = await reply(PEOPLE.sanna, { verb: 'menuRenew', themeId: PALKKA.id, validFrom: old.validFrom });
      assert.match(cardText(forged), /Valtuutta ei löydy rekisteristä/, 'someone else\'s entry is not found: the register is read for the clicker');

      const form = await reply(PEOPLE.mikko, { verb: 'menuRenew', themeId: PALKKA.id, validFrom: old.validFrom });
      const formText = cardText(form);
      assert.match(formText, /Jatko valtuudelle "Palkkatietojen ilmoittaminen" \(voimassa 31\.12\.2026 asti\): uusi valtuus alkaa 31\.12\.2026/);
      const inputs = new Map<string, unknown>();
      JSON.stringify(form, (_k, v: unknown) => { if (v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string') inputs.set((v as { id: string }).id, (v as { value?: unknown }).value); return v; });
      assert.equal(inputs.get('themes'), PALKKA.id, 'the theme is ticked');
      assert.equal(inputs.get('validUntil'), '2027-12-31', 'a year like the old one, from its last day');
      assert.match(String(inputs.get('justification')), /Jatko voimassa olevalle valtuudelle, joka päättyy 31\.12\.2026/);

      const tooShort = await bot.execute(PEOPLE.mikko, 'orderSubmit', validOrder({ validUntil: '2026-12-31' }));
      assert.match(cardText(tooShort), /voimassaolon on päätyttävä myöhemmin kuin se alkaa \(31\.12\.2026\)/);

      const confirmation = await bot.execute(PEOPLE.mikko, 'orderSubmit', validOrder({ validUntil: '2027-12-31', justification: String(inputs.get('justification')) }));
      assert.match(cardText(confirmation), /jatko, alkaa 31\.12\.2026/);
      const number = /(VB-\d{4}-\d{5})/.exec(cardText(confirmation))?.[1] ?? assert.fail('no order number');
      const order = await bot.app.deps.orders.findByNumber(number) as Order;
      assert.deepEqual(order.lines[0].continuationOf, { validFrom: '2025-12-31', validUntil: '2026-12-31' });
      assert.equal(order.lines[0].proposedStart, '2026-12-31');

      await bot.sink.waitFor(() => bot.sink.created().some((r) => JSON.stringify(r.body).includes(order.number)));
      const adminCard = bot.sink.created().find((r) => JSON.stringify(r.body).includes(order.number));
      assert.match(JSON.stringify(adminCard?.body), /jatko, alkaa 31\.12\.2026/, 'the administrators\' card says it is a renewal and from when');

      const again = await bot.execute(PEOPLE.mikko, 'orderSubmit', validOrder({ validUntil: '2027-12-31' }));
      assert.match(cardText(again), /on jo tilattu: tilaus VB-2026-/, 'a second renewal order is a duplicate of the open one');

      await bot.execute(PEOPLE.eija, 'admin.claim', { orderId: order.id, v: order.updatedAt }, channelConversation);
      const claimed = (await bot.app.deps.orders.get(order.id))?.order as Order;
      const guide = await bot.execute(PEOPLE.eija, 'admin.grantGuide', { orderId: order.id, v: claimed.updatedAt, line: 0 }, channelConversation);
      const fromInput = JSON.stringify(guide).match(/"id":"validFrom"[^}]*"value":"([\d-]+)"/)?.[1] ?? JSON.stringify(guide).match(/"value":"([\d-]+)"[^}]*"id":"validFrom"/)?.[1];
      assert.equal(fromInput, '2026-12-31', 'the grant form proposes the old entry\'s last day as the start');
      const done = await bot.execute(PEOPLE.eija, 'admin.confirmGrant', { ...actionData(guide, 'admin.confirmGrant'), validFrom: '2026-12-31', validUntil: '2027-12-31' }, channelConversation);
      assert.match(cardText(done), /Valmis/);
      const entries = await bot.app.deps.grants.listFor(PEOPLE.mikko);
      assert.deepEqual(entries.map((g) => [g.validFrom, g.validUntil, g.source?.kind]), [['2025-12-31', '2026-12-31', 'import'], ['2026-12-31', '2027-12-31', 'order']]);

      const arranged = await reply(PEOPLE.mikko, { verb: 'menuRenew', themeId: PALKKA.id, validFrom: old.validFrom });
      assert.match(cardText(arranged), /on jo kirjattu jatko, joka on voimassa 31\.12\.2027 asti/);
      await bot.app.dispatcher.stop();
      assert.deepEqual(await renewal('2026-12-24'), { reminders: 0, managerReminders: 0, expired: 0 }, 'renewed: no 7-day reminder');
    });

    it('"Omat valtuudet" offers the renewal only for an entry inside its window', async () => {
      await bot.app.deps.grants.putMany([old, entry(PEOPLE.mikko, VERO.id, VERO.name, '2026-06-01', '2027-05-31')]);
      clock = at('2026-12-10');
      const mine = JSON.stringify(await reply(PEOPLE.mikko, { verb: 'menuMyMandates' }));
      const renewButtons = [...mine.matchAll(/"verb":"menuRenew","themeId":"([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(renewButtons, [PALKKA.id]);

      clock = at('2027-01-02');
      const ended = await reply(PEOPLE.mikko, { verb: 'menuRenew', themeId: PALKKA.id, validFrom: old.validFrom });
      assert.match(cardText(ended), /Valtuus on jo päättynyt: tilaat uuden valtuuden \(ei jatkoa\)/, 'an old reminder after the end: a new order, said so');
      assert.doesNotMatch(cardText(ended), /Jatko valtuudelle/);
    });
  });
});
