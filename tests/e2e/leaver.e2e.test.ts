import assert from 'node:assert/strict';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../bot/config';
import { startApp, type RunningApp } from '../../bot/main';
import { createLogger } from '../../bot/log';
import { freePort } from '../../infra/local/ports';
import { restartPlaygroundAs, type PlaygroundHandle, type PlaygroundOptions } from '../../infra/local/playground';
import { PLAYGROUND_IDS, type PlaygroundRole } from '../../infra/local/playgroundConfig';
import { testAzurite, uniquePrefix } from '../helpers/azurite';
import { launchBrowser, TeamsClient, type E2EBrowser } from '../helpers/teamsClient';
import { runRegisterCli } from '../../bot/cli/register';
import { projectRoot } from '../../bot/catalog/seed';
import { addCalendarDays, helsinkiDate } from '../../bot/domain/workdays';

/**
 * A leaver, end to end in the Agents Playground: Mikko holds three mandates in the register; the organisation file
 * says he has left; the register sweep (`npm run register -- sweep`) opens a revocation task whose card appears in
 * Tilaukset; an administrator revokes in Suomi.fi, sets the day and confirms; the card shows the task done, and
 * neither Mikko's "Omat valtuudet" nor his manager's "Alaisteni valtuudet" shows the mandates as in force.
 */
const MIKKO = '7b5e2561-7863-55ae-a8d6-36e54dc47c0c';
const SCREENS = path.join(os.tmpdir(), 'valtuusbotti-e2e-screens');
const THEMES = ['Palkkatietojen ilmoittaminen', 'Palkkatietojen katselu', 'Veroilmoittaminen'];

describe('end to end: a leaver\'s mandates are revoked from the Tilaukset card (Playground + Chromium + Azurite)', function () {
  this.timeout(240_000);
  let app: RunningApp;
  let playground: PlaygroundHandle | undefined;
  let pgOptions: PlaygroundOptions;
  let browser: E2EBrowser;
  let teams: TeamsClient;
  let dir: string;
  let orgFile: string;
  const today = helsinkiDate(new Date());

  async function actAs(role: PlaygroundRole): Promise<void> {
    playground = await restartPlaygroundAs(playground, role, pgOptions);
    if (teams) await teams.reload();
    else teams = await TeamsClient.open(playground.url, browser);
  }

  /** `npm run register -- <args>` against the app's storage and organisation file; fails the test on a non-zero exit. */
  async function registerCommand(...args: string[]): Promise<string> {
    const storage = app.config.storage;
    assert.equal(storage.kind, 'connectionString');
    const out: string[] = [];
    const code = await runRegisterCli(args, { out: (l) => out.push(l), err: (l) => out.push(l), cwd: dir, root: projectRoot(),
      env: { AZURE_TABLES_CONNECTION_STRING: storage.kind === 'connectionString' ? storage.connectionString : '', TABLE_PREFIX: storage.prefix,
        DIRECTORY_FILE: orgFile } });
    assert.equal(code, 0, out.join('\n'));
    return out.join('\n');
  }

  /** The rows of a register view card that name a theme: none of them may read as in force. */
  async function assertNotInForce(card: import('playwright-core').Locator): Promise<void> {
    for (const theme of THEMES) {
      const rows = card.locator('.ac-container').filter({ hasText: theme });
      const count = await rows.count();
      for (let i = 0; i < count; i++) assert.doesNotMatch(await rows.nth(i).innerText(), /voimassa|päättymässä|alkaa/, `${theme} is not in force`);
    }
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vb-e2e-leaver-'));
    orgFile = path.join(dir, 'org.json');
    fs.copyFileSync(path.join(projectRoot(), 'data', 'sample-org.json'), orgFile);
    const azurite = await testAzurite();
    const pgPort = await freePort();
    const config = loadConfig({
      AZURE_TABLES_CONNECTION_STRING: azurite.connectionString, TABLE_PREFIX: uniquePrefix('e2el'), PORT: String(await freePort()),
      ADMIN_CHANNEL_ID: PLAYGROUND_IDS.channelId, BOT_SERVICE_URL: `http://localhost:${pgPort}/_connector`, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DIRECTORY_FILE: orgFile,
    });
    app = await startApp(config, { log: createLogger(config.logLevel), jobs: false, dispatcherPollMs: 300 });
    pgOptions = { port: pgPort, botEndpoint: `${app.url}/api/messages`, configPath: path.join(dir, 'playground.yml'), logFile: path.join(dir, 'playground.log') };
    // Deliveries are released only while their recipient is the one signed in to the playground (see the main E2E).
    await app.dispatcher.stop();
    browser = await launchBrowser();

    // The register as the city keeps it: three mandates of Mikko's, one of them starting next month (a renewal).
    const file = path.join(dir, 'rekisteri.csv');
    fs.writeFileSync(file, 'Työntekijä;Valtuusasia;Voimassa alkaen;Voimassa asti;Myöntäjä\n'
      + `mikko.virtanen@porvoo.example;Palkkatietojen ilmoittaminen;${addCalendarDays(today, -200)};${addCalendarDays(today, 500)};Eija Hallinto\n`
      + `mikko.virtanen@porvoo.example;Palkkatietojen katselu;${addCalendarDays(today, -200)};${addCalendarDays(today, 500)};Eija Hallinto\n`
      + `mikko.virtanen@porvoo.example;Veroilmoittaminen;${addCalendarDays(today, 30)};${addCalendarDays(today, 400)};Eija Hallinto\n`);
    await registerCommand('import', file);
    assert.match(await registerCommand('sweep'), /directory: .*baseline 35/, 'the first sweep records the organisation as it is');
  });

  afterEach(async function () {
    if (this.currentTest && (this.currentTest.state === 'failed' || process.env.E2E_SCREENSHOTS === 'all') && teams) {
      await teams.screenshot(path.join(SCREENS, `leaver_${this.currentTest.title.replace(/[^\w]+/g, '_').slice(0, 80)}.png`)).catch(() => undefined);
    }
  });

  after(async () => {
    await browser?.close();
    await playground?.stop();
    await app?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('before leaving, Mikko\'s "Omat valtuudet" shows his mandates in force', async () => {
    await actAs('employee');
    await teams.openPersonalChat();
    await teams.send('omat valtuudet');
    const mine = await teams.waitForCardWithText(/Omat valtuudet[\s\S]*Palkkatietojen katselu/);
    assert.match(await mine.innerText(), /voimassa/);
  });

  it('Mikko is marked left in the organisation file; the sweep puts one revocation card in Tilaukset: who, each mandate, how to revoke in Suomi.fi', async () => {
    const org = JSON.parse(fs.readFileSync(orgFile, 'utf8')) as { users: Array<{ id: string; accountEnabled: boolean }> };
    const mikko = org.users.find((u) => u.id === MIKKO);
    assert.ok(mikko);
    mikko.accountEnabled = false;
    fs.writeFileSync(orgFile, JSON.stringify(org, null, 2));
    assert.match(await registerCommand('sweep'), /directory: .*leavers 1.*revocationTasks 1/);
    assert.match(await registerCommand('sweep'), /directory: .*revocationTasks 0/, 'a second sweep adds nothing');

    await actAs('administrator');
    await teams.openChannel('Valtuushallinta', 'Tilaukset');
    app.dispatcher.start();
    const card = await teams.waitForCardWithText('Mitätöi valtuudet: Mikko Virtanen', 30_000);
    await waitUntil(async () => Boolean((await app.deps.tasks.listOpen({ kind: 'revocation' }))[0]?.adminCard), 'the card posted to Tilaukset');
    await app.dispatcher.stop();
    const text = await card.innerText();
    for (const expected of ['Konsernipalvelut', 'lähtenyt organisaatiosta', ...THEMES, 'Näin mitätöit valtuudet Suomi.fi:ssä', 'Mitätöi']) {
      assert.ok(text.includes(expected), `${expected} on the card: ${text}`);
    }
    assert.doesNotMatch(text, /\d{6}[-+A]\d{3}[0-9A-Y]/, 'no henkilötunnus');
  });

  it('an administrator sets the day and confirms "Merkitse mitätöidyksi": the card shows the task done and the register has the entries revoked', async () => {
    let card = await teams.waitForCardWithText('Mitätöi valtuudet: Mikko Virtanen');
    await teams.fillDate(card, 'Mitätöity Suomi.fi:ssä (päivämäärä)', today);
    await teams.clickInCard(card, 'Merkitse mitätöidyksi');
    card = await teams.waitForCardWithText(/Valtuudet merkittiin mitätöidyiksi[\s\S]*tehty \(Eija Mäkelä/);
    assert.equal(await card.getByRole('button', { name: 'Merkitse mitätöidyksi' }).count(), 0, 'nothing left to click');
    const entries = await app.deps.grants.listFor(MIKKO);
    assert.equal(entries.length, 3);
    assert.ok(entries.every((g) => g.revokedAt?.startsWith(today) && g.revokedBy === '2f6cb537-66c5-5019-a6e5-5a622419ee49'), JSON.stringify(entries));
    const [task] = (await app.deps.tasks.listOpen()).filter((t) => t.personId === MIKKO);
    assert.equal(task, undefined, 'the task is no longer open');
  });

  it('the manager is told; "Alaisteni valtuudet" no longer shows Mikko\'s mandates in force', async () => {
    await actAs('manager');
    await teams.openPersonalChat();
    await teams.send('alaisteni valtuudet');
    const team = await teams.waitForCardWithText(/Alaisteni valtuudet[\s\S]*Mikko Virtanen/);
    await assertNotInForce(team);
    app.dispatcher.start();
    await teams.waitForMessageText(/Henkilön Mikko Virtanen valtuudet \([^)]*\) on mitätöity Suomi.fi:ssä/, 60_000);
    await app.dispatcher.stop();
  });

  it('Mikko\'s "Omat valtuudet" no longer shows the mandates in force', async () => {
    await actAs('employee');
    await teams.openPersonalChat();
    await teams.send('omat valtuudet');
    const mine = await teams.waitForCardWithText(/Omat valtuudet/);
    await assertNotInForce(mine);
  });
});

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
