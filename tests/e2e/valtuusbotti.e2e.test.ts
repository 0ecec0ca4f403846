import assert from 'node:assert/strict';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { odata } from '@azure/data-tables';
import type { Locator } from 'playwright-core';
import { loadConfig } from '../../bot/config';
import { startApp, type RunningApp } from '../../bot/main';
import { createLogger } from '../../bot/log';
import { freePort } from '../../infra/local/ports';
import { restartPlaygroundAs, type PlaygroundHandle, type PlaygroundOptions } from '../../infra/local/playground';
import { PLAYGROUND_IDS, type PlaygroundRole } from '../../infra/local/playgroundConfig';
import { testAzurite, uniquePrefix } from '../helpers/azurite';
import { launchBrowser, TeamsClient, type E2EBrowser } from '../helpers/teamsClient';
import type { Order } from '../../bot/domain/order';
import { runRegisterCli } from '../../bot/cli/register';
import { projectRoot } from '../../bot/catalog/seed';
import { addCalendarDays, helsinkiDate } from '../../bot/domain/workdays';
import { formatDate } from '../../bot/i18n';

/**
 * The whole product through the Teams client protocol: the Microsoft 365 Agents Playground in headless Chromium
 * against the real bot (restify + CloudAdapter + teams-ai) on a real Azurite. People take turns as in the
 * playground (one signed-in person at a time: restart as another, the bot's state stays).
 */
const MIKKO = '7b5e2561-7863-55ae-a8d6-36e54dc47c0c';
const SCREENS = path.join(os.tmpdir(), 'valtuusbotti-e2e-screens');

describe('end to end in the Agents Playground (Chromium + real bot + Azurite)', function () {
  this.timeout(240_000);
  let app: RunningApp;
  let playground: PlaygroundHandle | undefined;
  let pgOptions: PlaygroundOptions;
  let browser: E2EBrowser;
  let teams: TeamsClient;
  let orderA: Order;
  let dir: string;

  async function actAs(role: PlaygroundRole): Promise<void> {
    playground = await restartPlaygroundAs(playground, role, pgOptions);
    if (teams) await teams.reload();
    else teams = await TeamsClient.open(playground.url, browser);
  }

  /** Checkbox of an expanded ChoiceSet whose title starts with `title` (titles carry e-service and path too). */
  async function tickStartingWith(card: Locator, title: string): Promise<void> {
    await card.locator(`input[type="checkbox"][aria-label^="${title.replace(/"/g, '\\"')}"]`).first().check();
  }

  async function inputValue(card: Locator, label: string): Promise<string> {
    const id = await card.locator('label[for]').filter({ hasText: label }).first().getAttribute('for');
    return card.locator(`[id="${id}"]`).inputValue();
  }

  const reload = async (id: string): Promise<Order> => (await app.deps.orders.get(id))?.order as Order;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vb-e2e-'));
    const azurite = await testAzurite();
    const pgPort = await freePort();
    const config = loadConfig({
      AZURE_TABLES_CONNECTION_STRING: azurite.connectionString, TABLE_PREFIX: uniquePrefix('e2e'), PORT: String(await freePort()),
      ADMIN_CHANNEL_ID: PLAYGROUND_IDS.channelId, BOT_SERVICE_URL: `http://localhost:${pgPort}/_connector`, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    });
    app = await startApp(config, { log: createLogger(config.logLevel), jobs: false, dispatcherPollMs: 300 });
    pgOptions = { port: pgPort, botEndpoint: `${app.url}/api/messages`, configPath: path.join(dir, 'playground.yml'), logFile: path.join(dir, 'playground.log') };
    // The playground shows only the signed-in person's chats, and a restart loses the UI's history: proactive
    // deliveries are released (dispatcher started) only while their recipient is the one signed in. Meanwhile the
    // outbox keeps them durably, which is what it is for.
    await app.dispatcher.stop();
    browser = await launchBrowser();
    await actAs('employee');
  });

  afterEach(async function () {
    // A failed step always leaves its screenshot; E2E_SCREENSHOTS=all keeps one of every step (to look at the cards).
    if (this.currentTest && (this.currentTest.state === 'failed' || process.env.E2E_SCREENSHOTS === 'all') && teams) {
      await teams.screenshot(path.join(SCREENS, `${this.currentTest.title.replace(/[^\w]+/g, '_').slice(0, 80)}.png`)).catch(() => undefined);
    }
  });

  after(async () => {
    await browser?.close();
    await playground?.stop();
    await app?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('"hei" gives the Finnish menu; the glossary answers "mikä on valtuusoikeus" with the official term', async () => {
    await teams.openPersonalChat();
    await teams.send('hei');
    const menu = await teams.waitForCardWithText('Hei Mikko!');
    for (const button of ['Tilaa valtuus', 'Omat tilaukset', 'Mitä valtuuksia tarvitsen?', 'Sanasto']) {
      await menu.getByRole('button', { name: button, exact: true }).waitFor();
    }
    await teams.send('mikä on valtuusoikeus?');
    const term = await teams.waitForCardWithText('Valtuutusoikeus');
    assert.match(await term.innerText(), /Fullmaktsrätt|valtuuttaa|valtuutta/i);
  });

  it('typed links, HTML and bidi controls are shown as plain text by the Teams card renderer (markdown-it, linkify, html on)', async () => {
    // The glossary echoes an unknown word back: the same plainText a channel card or a manager's message uses.
    await teams.send('what is [klikkaa](https://evil.example/phish) <b>lihava</b> www.evil.com \u202Eexe?');
    const card = await teams.waitForCardWithText('En löytänyt sanastosta');
    assert.equal(await card.locator('a[href*="evil"]').count(), 0, 'no link to the typed address');
    assert.equal(await card.locator('b, strong').filter({ hasText: 'lihava' }).count(), 0, 'no HTML or bold from typed text');
    const shown = await card.innerText();
    assert.ok(shown.includes('[klikkaa](https://evil.example/phish)') && shown.includes('www.evil.com'), `the typed characters are visible as typed: ${shown}`);
    assert.ok(/<b>lihava<\/b>|&lt;b&gt;lihava/.test(shown), `the tag is shown as characters: ${shown}`);
    assert.ok(!shown.includes('\\'), 'no escape backslashes visible');
    assert.ok(!/\u202E/.test(shown), 'no bidi override');
  });

  it('a Palkanlaskija sees the payroll themes with statuses and orders two at once (plus a missing theme); a wrong henkilötunnus keeps every value but the code', async () => {
    await teams.clickInCard(await teams.waitForCardWithText('Hei Mikko!'), 'Mitä valtuuksia tarvitsen?');
    const suggestions = await teams.waitForCardWithText('Valtuudet, joita työsi tarvitsee');
    const text = await suggestions.innerText();
    for (const theme of ['Palkkatietojen ilmoittaminen', 'Palkkatietojen katselu', 'Palvelussuhteeseen liittyvien etuuksien hakeminen']) assert.ok(text.includes(theme), theme);
    assert.match(text, /Tilattavissa nyt \(noin 3 työpäivää\)/);
    // Keep exactly two ticked.
    for (const t of ['Palvelussuhteeseen liittyvien etuuksien hakeminen', 'Palvelussuhteeseen liittyvien etuuspäätösten tarkastelu']) {
      await suggestions.locator(`input[type="checkbox"][aria-label="${t}"]`).uncheck();
    }
    await teams.clickInCard(suggestions, 'Tilaa valitut');
    let form = await teams.waitForCardWithText('Valtuuden tilaus');
    assert.equal(await inputValue(form, 'Työntekijän etunimi'), 'Mikko', 'prefilled from the directory');
    assert.equal(await inputValue(form, 'Toimiala'), 'Konsernipalvelut');
    await teams.fillInput(form, 'Hae valtuusasiaa nimellä tai asiointipalvelulla', 'tulli');
    await teams.clickInCard(form, 'Hae');
    form = await teams.waitForCardWithText('Tulliasioiden hoito');
    await tickStartingWith(form, 'Tulliasioiden hoito');
    await teams.fillInput(form, 'Työntekijän henkilötunnus', '010594y9033');
    await teams.fillInput(form, 'Perustelut', 'Palkanlaskenta ja tulli-ilmoitukset vaativat nämä valtuudet.');
    await teams.clickInCard(form, 'Lähetä');

    form = await teams.waitForCardWithText('Tarkistusmerkki ei täsmää');
    assert.equal(await inputValue(form, 'Työntekijän henkilötunnus'), '', 'the typed code never comes back in the transcript');
    assert.match(await form.innerText(), /Kirjoita se uudelleen/);
    assert.equal(await inputValue(form, 'Perustelut'), 'Palkanlaskenta ja tulli-ilmoitukset vaativat nämä valtuudet.');
    for (const t of ['Palkkatietojen ilmoittaminen', 'Palkkatietojen katselu', 'Tulliasioiden hoito']) {
      assert.ok(await form.locator(`input[type="checkbox"][aria-label^="${t}"]`).isChecked(), `${t} still ticked`);
    }
    await teams.fillInput(form, 'Työntekijän henkilötunnus', ' 010594y9032 ');
    await teams.clickInCard(form, 'Lähetä');
    const confirmation = await teams.waitForCardWithText('Tilaus vastaanotettu');
    const ctext = await confirmation.innerText();
    const number = /VB-\d{4}-\d{5}/.exec(ctext)?.[0] as string;
    assert.ok(number, ctext);
    assert.match(ctext, /010594Y\*\*\*\*/);
    assert.match(ctext, /tavoite 3 työpäivää/);
    assert.match(ctext, /tavoite 4–6 viikkoa/);
    orderA = (await app.deps.orders.findByNumber(number)) as Order;
    assert.deepEqual(orderA.lines.map((l) => `${l.themeId}:${l.path}`), [
      'palkkatietojen-ilmoittaminen:existing', 'palkkatietojen-katselu:existing', 'tulliasioiden-hoito:missing']);
    const raw: string[] = [];
    for await (const e of app.tables.client('orders').listEntities({ queryOptions: { filter: odata`PartitionKey eq ${orderA.id}` } })) raw.push(JSON.stringify(e));
    assert.ok(raw.length > 0 && raw.every((r) => !r.includes('010594Y9032')), 'no clear-text henkilötunnus in Azurite');
  });

  it('a second order is placed, both are in "Omat tilaukset", and one is cancelled', async () => {
    await teams.send('tilaa');
    let form = await teams.waitForCardWithText('Valtuuden tilaus');
    await teams.fillInput(form, 'Hae valtuusasiaa nimellä tai asiointipalvelulla', 'veroilmoit');
    await teams.clickInCard(form, 'Hae');
    form = await teams.waitForCardWithText('Veroilmoittaminen');
    await tickStartingWith(form, 'Veroilmoittaminen');
    await teams.fillInput(form, 'Työntekijän henkilötunnus', '010594Y9032');
    await teams.fillInput(form, 'Perustelut', 'Kuukausittaiset veroilmoitukset hoidetaan yksikössämme.');
    await teams.fillDate(form, 'Voimassa asti', '2027-09-30');
    await teams.clickInCard(form, 'Lähetä');
    const confirmation = await teams.waitForCardWithText(/Tilaus vastaanotettu[\s\S]*Veroilmoittaminen/);
    const numberB = /VB-\d{4}-\d{5}/.exec(await confirmation.innerText())?.[0] as string;
    assert.notEqual(numberB, orderA.number);

    await teams.send('omat tilaukset');
    const list = await teams.waitForCardWithText(/Omat tilaukset[\s\S]*VB-/);
    const ltext = await list.innerText();
    assert.ok(ltext.includes(orderA.number) && ltext.includes(numberB), ltext);
    const row = list.locator('.ac-container').filter({ hasText: numberB }).first();
    await row.getByRole('button', { name: 'Näytä', exact: true }).click();
    const details = await teams.waitForCardWithText(new RegExp(`${numberB}[\\s\\S]*Tapahtumat`));
    await teams.clickInCard(details, 'Peruuta tilaus');
    await teams.fillInput(details, 'Peruutuksen syy', 'Tilasin vahingossa.');
    await teams.clickInCard(details, 'Peruuta');
    await teams.waitForCardWithText(`Tilaus ${numberB} on peruutettu.`);
    const b = (await app.deps.orders.findByNumber(numberB)) as Order;
    assert.equal(b.status, 'cancelled');
    assert.equal(b.hetuCipher, null);
    assert.equal((await reload(orderA.id)).adminCard, null, 'not yet delivered: the outbox holds the channel card');
  });

  it('an administrator claims order A in Tilaukset, reveals the code only in their own card, grants the path-1 themes and starts path 2', async () => {
    await actAs('administrator');
    await teams.openChannel('Valtuushallinta', 'Tilaukset');
    app.dispatcher.start();
    let card = await teams.waitForCardWithText(`Uusi tilaus ${orderA.number}`, 30_000);
    await waitUntil(async () => Boolean((await reload(orderA.id)).adminCard), 'order A posted to Tilaukset');
    await app.dispatcher.stop();
    const shared = await card.innerText();
    assert.ok(!shared.includes('010594Y'), 'the channel card never shows the henkilötunnus');
    await teams.clickInCard(card, 'Ota käsittelyyn');
    card = await teams.waitForCardWithText(new RegExp(`${orderA.number}[\\s\\S]*Eija Mäkelä`));

    for (const theme of ['Palkkatietojen ilmoittaminen', 'Palkkatietojen katselu']) {
      await teams.clickInCard(card, `Anna Suomi.fi:ssä: ${theme}`);
      let guide = await teams.waitForCardWithText(new RegExp(`Anna valtuus Suomi.fi:ssä[\\s\\S]*${theme}`));
      assert.ok(!(await guide.innerText()).includes('010594Y9032'));
      await teams.clickInCard(guide, 'Näytä henkilötunnus');
      guide = await teams.waitForCardWithText('Henkilötunnus (vain sinulle): 010594Y9032');
      await teams.clickInCard(guide, 'Merkitse annetuksi');
      card = await teams.waitForCardWithText(new RegExp(`${orderA.number}[\\s\\S]*${theme}[^\\n]*Annettu`));
    }
    const audit = await app.deps.orders.auditTrail(orderA.id);
    assert.equal(audit.filter((e) => e.action === 'revealHetu').length, 2, 'each reveal is audit-logged');
    assert.ok(!(await teams.messagesText()).includes('010594Y9032'), 'the code was never posted in the channel');

    await teams.clickInCard(card, 'Hakemus valmisteltu');
    await teams.waitForCardWithText(/Odottaa allekirjoitusta/);
  });

  it('the signatory confirms the signature from a personal card; a non-administrator\'s click in the channel is refused', async () => {
    await actAs('signatory');
    await teams.openPersonalChat();
    app.dispatcher.start();
    const request = await teams.waitForCardWithText('Allekirjoitettava valtuushakemus', 45_000);
    await app.dispatcher.stop();
    await teams.clickInCard(request, 'Vahvista allekirjoitus: Tulliasioiden hoito');
    await teams.waitForCardWithText('Allekirjoitus vahvistettu.');
    await teams.openChannel('Valtuushallinta', 'Tilaukset');
    await teams.postInChannel(orderA.number);
    const card = await teams.waitForCardWithText(`Tilaus ${orderA.number}`);
    await teams.clickInCard(card, 'Vapauta');
    await teams.waitForCardWithText(/Sinulla ei ole oikeutta tähän toimintoon/);
    assert.equal((await reload(orderA.id)).assigneeId, '2f6cb537-66c5-5019-a6e5-5a622419ee49', 'still held by Eija');
    assert.ok((await app.deps.orders.auditTrail(orderA.id)).some((e) => e.action === 'denied:release'));
  });

  it('path 2: sent to DVV, DVV grants, the line becomes a grant task by itself and is granted; the card shows the order done', async () => {
    await actAs('administrator');
    await teams.openChannel('Valtuushallinta', 'Tilaukset');
    await teams.postInChannel(`näytä ${orderA.number}`);
    let card = await teams.waitForCardWithText(`Tilaus ${orderA.number}`);
    await teams.clickInCard(card, 'Lähetetty DVV:lle');
    const form = await teams.waitForCardWithText(/Lähetyspäivä/);
    await teams.fillDate(form, 'Lähetyspäivä', '2026-11-27');
    await teams.clickInCard(form, 'Lähetä');
    card = await teams.waitForCardWithText(/Lähetetty DVV:lle[\s\S]*DVV myönsi/);
    await teams.clickInCard(card, 'DVV myönsi');
    card = await teams.waitForCardWithText(/Anna Suomi.fi:ssä: Tulliasioiden hoito/);
    app.deps.catalogStore.invalidate();
    assert.equal((await app.deps.catalog.themes()).get('tulliasioiden-hoito')?.heldByOrganisation, true, 'the theme is now held');
    await teams.clickInCard(card, 'Anna Suomi.fi:ssä: Tulliasioiden hoito');
    const guide = await teams.waitForCardWithText(/Anna valtuus Suomi.fi:ssä[\s\S]*Tulliasioiden hoito/);
    await teams.clickInCard(guide, 'Merkitse annetuksi');
    card = await teams.waitForCardWithText(new RegExp(`${orderA.number}[\\s\\S]*Tila\\s*Valmis`));
    const done = await reload(orderA.id);
    assert.equal(done.status, 'completed');
    assert.equal(done.hetuCipher, null, 'the henkilötunnus was destroyed');
    const grants = await app.deps.grants.listFor(MIKKO);
    assert.deepEqual(grants.map((g) => g.themeId).sort(), ['palkkatietojen-ilmoittaminen', 'palkkatietojen-katselu', 'tulliasioiden-hoito']);
  });

  it('the employee receives the completion message in their personal chat', async () => {
    await actAs('employee');
    await teams.openPersonalChat();
    app.dispatcher.start();
    await teams.waitForMessageText(`Tilaus ${orderA.number} on valmis`, 60_000);
  });

  it('"Omat valtuudet" from the menu shows the granted themes from the register, in force', async () => {
    await teams.send('hei');
    const menu = await teams.waitForCardWithText(/Omat valtuudet/);
    await teams.clickInCard(menu, 'Omat valtuudet');
    const view = await teams.waitForCardWithText(/Omat valtuudet[\s\S]*Palkkatietojen ilmoittaminen/);
    const text = await view.innerText();
    for (const theme of ['Palkkatietojen ilmoittaminen', 'Palkkatietojen katselu', 'Tulliasioiden hoito']) assert.ok(text.includes(theme), text);
    assert.match(text, /voimassa|päättymässä/);
  });

  it('a register file imported with `npm run register` shows in "Omat valtuudet" (päättymässä) and in the manager\'s "Alaisteni valtuudet"', async () => {
    // The city's spreadsheet of mandates granted before the bot: one that ends in 20 days.
    const today = helsinkiDate(new Date());
    const file = path.join(dir, 'rekisteri.csv');
    fs.writeFileSync(file, 'Työntekijä;Valtuusasia;Voimassa alkaen;Voimassa asti;Myöntäjä\n'
      + `mikko.virtanen@porvoo.example;Veroilmoittaminen;${addCalendarDays(today, -300)};${addCalendarDays(today, 20)};Eija Hallinto\n`);
    const storage = app.config.storage;
    assert.equal(storage.kind, 'connectionString');
    const out: string[] = [];
    const code = await runRegisterCli(['import', file], { out: (l) => out.push(l), err: (l) => out.push(l), cwd: dir, root: projectRoot(),
      env: { AZURE_TABLES_CONNECTION_STRING: storage.kind === 'connectionString' ? storage.connectionString : '', TABLE_PREFIX: storage.prefix } });
    assert.equal(code, 0, out.join('\n'));

    await teams.send('omat valtuudet');
    const mine = await teams.waitForCardWithText(/Omat valtuudet[\s\S]*Veroilmoittaminen/);
    const row = mine.locator('.ac-container').filter({ hasText: 'Veroilmoittaminen' }).first();
    assert.match(await row.innerText(), /päättymässä/);

    await actAs('manager');
    await teams.openPersonalChat();
    await teams.send('alaisteni valtuudet');
    const team = await teams.waitForCardWithText(/Alaisteni valtuudet[\s\S]*Mikko Virtanen[\s\S]*Veroilmoittaminen/);
    assert.match(await team.innerText(), /päättymässä/);
  });

  it('the register sweep reminds the employee of the imported mandate; "Tilaa jatko" opens the order form prefilled as a renewal, sent as a continuation', async () => {
    // The imported entry ends in 20 days: inside the 30-day lead time. Deliveries wait until the employee is signed in.
    await app.dispatcher.stop();
    const today = helsinkiDate(new Date());
    const until = addCalendarDays(today, 20);
    const storage = app.config.storage;
    const out: string[] = [];
    const code = await runRegisterCli(['sweep'], { out: (l) => out.push(l), err: (l) => out.push(l), cwd: dir, root: projectRoot(),
      env: { AZURE_TABLES_CONNECTION_STRING: storage.kind === 'connectionString' ? storage.connectionString : '', TABLE_PREFIX: storage.prefix } });
    assert.equal(code, 0, out.join('\n'));
    assert.match(out.join('\n'), /renewal: reminders 1, managerReminders 1, expired 0/);

    await actAs('employee');
    await teams.openPersonalChat();
    app.dispatcher.start();
    const reminder = await teams.waitForCardWithText(/Valtuus päättyy: Veroilmoittaminen/, 60_000);
    assert.match(await reminder.innerText(), /\(20 päivän päästä\)/);
    if (process.env.E2E_SCREENSHOTS === 'all') await teams.screenshot(path.join(SCREENS, 'renewal_reminder_card.png'));
    await teams.clickInCard(reminder, 'Tilaa jatko');

    const form = await teams.waitForCardWithText(/Jatko valtuudelle "Veroilmoittaminen"/);
    assert.match(await form.innerText(), new RegExp(`uusi valtuus alkaa ${formatDate('fi', until).replace(/\./g, '\\.')}`));
    assert.ok(await form.locator('input[type="checkbox"][aria-label^="Veroilmoittaminen"]').isChecked(), 'the theme is ticked');
    assert.equal(await inputValue(form, 'Työntekijän etunimi'), 'Mikko');
    assert.match(await inputValue(form, 'Perustelut'), /^Jatko voimassa olevalle valtuudelle/);
    if (process.env.E2E_SCREENSHOTS === 'all') await teams.screenshot(path.join(SCREENS, 'renewal_prefilled_form.png'));
    await teams.fillInput(form, 'Työntekijän henkilötunnus', '010594Y9032');
    await teams.clickInCard(form, 'Lähetä');

    const confirmation = await teams.waitForCardWithText('Tilaus vastaanotettu');
    const ctext = await confirmation.innerText();
    assert.match(ctext, new RegExp(`jatko, alkaa ${formatDate('fi', until).replace(/\./g, '\\.')}`));
    const order = (await app.deps.orders.findByNumber(/VB-\d{4}-\d{5}/.exec(ctext)?.[0] ?? '')) as Order;
    assert.deepEqual(order.lines.map((l) => [l.themeId, l.continuationOf, l.proposedStart]),
      [['veroilmoittaminen', { validFrom: addCalendarDays(today, -300), validUntil: until }, until]]);
  });
});

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
