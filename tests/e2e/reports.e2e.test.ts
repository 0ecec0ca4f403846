import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page, Route } from 'playwright-core';
import { loadConfig } from '../../bot/config';
import { startApp, type RunningApp } from '../../bot/main';
import { createLogger } from '../../bot/log';
import { REPORT_VIEWS, type ReportData, type ReportTable } from '../../bot/domain/reportsContract';
import { freePort } from '../../infra/local/ports';
import { testAzurite, uniquePrefix } from '../helpers/azurite';
import { launchBrowser, type E2EBrowser } from '../helpers/teamsClient';
import { csvOf, emptyReport, HOSTILE_DEPARTMENT, sampleReport } from '../helpers/reportFixture';
import { PEOPLE, startTestBot, submitAs, validOrder, type TestBot } from '../helpers/botHarness';
import { addCalendarDays, helsinkiDate } from '../../bot/domain/workdays';
import type { Grant } from '../../bot/store/grantStore';
import { t } from '../../bot/i18n';

/**
 * The reports tab (issue #13) in Chromium against the running app in local mode: the page, its bundle and its
 * headers come from the app; in the first suite the data API is answered by the test (the page alone), in the
 * second it is the app's own `/reports/api/data` over seeded orders and register entries.
 */
/** A department the test's API answers with an empty report. */
const EMPTY = 'Tyhjä toimiala';
/** Departments the test's API refuses, with the status it answers. */
const REFUSALS: Record<string, number> = { 'Ei oikeutta': 403, 'Ei kirjautumista': 401, Rikki: 503 };
const SCREENS = path.join(os.tmpdir(), 'valtuusbotti-e2e-screens');
const AXE = path.join(path.dirname(require.resolve('axe-core/package.json')), 'axe.min.js');

async function startLocal(label: string): Promise<RunningApp> {
  const azurite = await testAzurite();
  const config = loadConfig({ AZURE_TABLES_CONNECTION_STRING: azurite.connectionString, TABLE_PREFIX: uniquePrefix(label), PORT: String(await freePort()),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' });
  return startApp(config, { log: createLogger(config.logLevel), jobs: false });
}

/** Opens the tab and waits until its last chart is drawn; fails at once, with the page's message, if the data did not come. */
async function openReports(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('#view-coverage .chart canvas') || document.querySelector('#status.error'));
  const error = await page.locator('#status.error').count() ? await page.locator('#status').textContent() : null;
  assert.equal(error, null, 'the data API answered');
}

/** Every chart holder has a canvas that ECharts drew something on (a blank canvas has only transparent pixels). */
async function drawnCharts(page: Page, view: string): Promise<number[]> {
  return page.locator(`#view-${view} .chart`).evaluateAll((holders) => holders.map((h) => {
    const canvas = h.querySelector('canvas');
    if (!canvas || !canvas.width || !canvas.height) return 0;
    const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
    return painted;
  }));
}

/** The table view of a section as text cells (header row first), after pressing its toggle. */
async function tableCells(page: Page, view: string): Promise<string[][]> {
  const section = page.locator(`#view-${view}`);
  const toggle = section.locator('button.toggle');
  if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
  const table = section.locator('.table-box').last().locator('table');
  await table.waitFor();
  const rows = await table.locator('tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (c) => (c.textContent ?? '').trim())));
  await toggle.click();
  return rows;
}

/** What the page must show for a table: the server's strings as they are, numbers as Finnish digits (no grouping below 1000). */
function expectedCells(table: ReportTable): string[][] {
  return [table.columns, ...table.rows.map((r) => r.map((c) => String(c)))];
}

/** axe-core from our own origin (the page's CSP refuses inline scripts, which addScriptTag({ path }) would be). */
async function axeViolations(page: Page, origin: string): Promise<Array<{ id: string; impact: string; nodes: number }>> {
  await page.route(`${origin}/axe.min.js`, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: fs.readFileSync(AXE, 'utf8') }));
  await page.addScriptTag({ url: `${origin}/axe.min.js` });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
}

describe('reports tab: the page in Chromium (data answered by the test)', function () {
  this.timeout(180_000);
  let app: RunningApp;
  let browser: E2EBrowser;
  let page: Page;
  const requests: URL[] = [];
  const authorization: Array<string | undefined> = [];
  const cspErrors: string[] = [];

  async function answer(route: Route): Promise<void> {
    const url = new URL(route.request().url());
    requests.push(url);
    authorization.push(route.request().headers().authorization);
    const department = url.searchParams.get('department') ?? undefined;
    const refusal = department ? REFUSALS[department] : undefined;
    if (refusal) { await route.fulfill({ status: refusal, contentType: 'application/json', body: '{"error":"x"}' }); return; }
    const report = department === EMPTY ? emptyReport(department) : sampleReport(department);
    if (url.pathname === '/reports/api/csv') {
      const view = url.searchParams.get('view') as keyof ReportData['tables'];
      await route.fulfill({ status: 200, contentType: 'text/csv; charset=utf-8', body: csvOf(report.tables[view]) });
    } else {
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(report) });
    }
  }

  async function open(query = ''): Promise<void> {
    await openReports(page, `${app.url}/reports${query}`);
  }

  before(async () => {
    fs.mkdirSync(SCREENS, { recursive: true });
    app = await startLocal('repage');
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text()); });
    // teams-js asks Microsoft's CDN for Teams' host origins; the test runs offline, so that answer is made up here.
    await page.route('https://res.cdn.office.net/**', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"validOrigins":[]}' }));
    page.on('dialog', (d) => { void d.dismiss(); });
    await page.route('**/reports/api/**', answer);
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('serves the shell with a CSP that only Teams may frame, and the bundle', async () => {
    const shell = await fetch(`${app.url}/reports?lang=sv`);
    assert.equal(shell.status, 200);
    const csp = shell.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'self' https:\/\/teams\.microsoft\.com https:\/\/\*\.teams\.microsoft\.com https:\/\/\*\.office\.com https:\/\/\*\.cloud\.microsoft/);
    const html = await shell.text();
    assert.match(html, /<html lang="sv">/);
    assert.doesNotMatch(html, /<script>(?!<)/, 'no inline script');
    const bundle = await fetch(`${app.url}/reports/app.js`);
    assert.equal(bundle.status, 200);
    assert.equal(bundle.headers.get('content-encoding'), 'gzip', 'fetch asks for gzip: the bundle comes compressed');
    assert.ok(Number(bundle.headers.get('content-length')) < 400_000);
    assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
    const etag = bundle.headers.get('etag') ?? '';
    assert.ok((await bundle.arrayBuffer()).byteLength > 10_000);
    assert.equal((await fetch(`${app.url}/reports/app.js`, { headers: { 'If-None-Match': etag } })).status, 304);
    assert.equal((await fetch(`${app.url}/reports/server.js`)).status, 404);
  });

  it('draws every chart of the four views, says it is local, asks without a token, and breaks no CSP rule', async () => {
    await open();
    for (const view of REPORT_VIEWS) {
      const painted = await drawnCharts(page, view);
      assert.ok(painted.length > 0, `${view} has charts`);
      assert.ok(painted.every((n) => n > 500), `${view}: every chart drew something (${painted.join(', ')})`);
      assert.equal(await page.locator(`#view-${view} h2`).count(), 1);
      assert.ok(((await page.locator(`#view-${view} .chart`).first().getAttribute('aria-label')) ?? '').length > 20, `${view} chart has a text alternative`);
    }
    assert.equal(await page.locator('#local-notice').isVisible(), true);
    assert.equal(await page.locator('p.empty').count(), 0, 'every chart has numbers, none says "no data"');
    assert.equal(await page.getAttribute('html', 'lang'), 'fi');
    assert.equal(authorization[0], undefined, 'local mode sends no token');
    assert.equal(requests[0].searchParams.get('lang'), 'fi');
    assert.deepEqual(cspErrors, []);
    await page.locator('main').screenshot({ path: path.join(SCREENS, 'reports-page-light.png') });
    for (const view of REPORT_VIEWS) await page.locator(`#view-${view}`).screenshot({ path: path.join(SCREENS, `reports-${view}.png`) });
  });

  it('shows each view\'s table with exactly the numbers the API answered', async () => {
    await open();
    const report = sampleReport();
    for (const view of REPORT_VIEWS) assert.deepEqual(await tableCells(page, view), expectedCells(report.tables[view]), view);
  });

  it('says "no data" under every chart and the order list when the answer is empty', async () => {
    await open(`?department=${encodeURIComponent(EMPTY)}`);
    const charts = await page.locator('.chart').count();
    assert.equal(charts, 10);
    assert.equal(await page.locator('p.empty').count(), charts + 1);
    assert.deepEqual(new Set(await page.locator('p.empty').allTextContents()), new Set([t('fi', 'reports.page.noData')]));
  });

  it('says in the reader\'s language that the reports are for administrators (401, 403), or that loading failed', async () => {
    for (const [department, key] of [['Ei oikeutta', 'reports.page.unauthorized'], ['Ei kirjautumista', 'reports.page.unauthorized'], ['Rikki', 'reports.page.error']] as const) {
      await page.goto(`${app.url}/reports?lang=en&department=${encodeURIComponent(department)}`);
      await page.locator('#status.error').waitFor();
      assert.equal(await page.locator('#status').textContent(), t('en', key), department);
      assert.equal(await page.locator('.chart').count(), 0);
    }
  });

  it('shows a department named like HTML as text, and links only https card addresses', async () => {
    await open();
    const options = await page.locator('#filter-department option').allTextContents();
    assert.ok(options.includes(HOSTILE_DEPARTMENT), 'the name is an option, character for character');
    assert.equal(await page.locator('img').count(), 0, 'no element was made from the name');
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    const cells = await tableCells(page, 'coverage');
    assert.ok(cells.some((r) => r[0] === HOSTILE_DEPARTMENT));
    const links = await page.locator('table.orders a').evaluateAll((as) => as.map((a) => [a.textContent, (a as HTMLAnchorElement).href]));
    assert.deepEqual(links, [['VB-0007', 'https://teams.microsoft.com/l/message/19%3Atilaukset/1']]);
    assert.equal(await page.locator('table.orders tbody tr').count(), 3);
  });

  it('refetches when a filter changes, keeps the filters in the URL, and shows the new numbers', async () => {
    await open('?lang=en');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    const before = requests.length;
    await page.selectOption('#filter-department', { label: HOSTILE_DEPARTMENT });
    await page.waitForFunction((n) => document.querySelector('main')?.getAttribute('aria-busy') === null && (window as unknown as { n?: number }).n === undefined && n >= 0, before);
    await page.locator('#view-coverage .chart canvas').last().waitFor();
    const last = requests[requests.length - 1];
    assert.ok(requests.length > before);
    assert.equal(last.searchParams.get('department'), HOSTILE_DEPARTMENT);
    assert.equal(last.searchParams.get('lang'), 'en');
    assert.equal(new URL(page.url()).searchParams.get('department'), HOSTILE_DEPARTMENT);
    assert.deepEqual(await tableCells(page, 'expiring'), expectedCells(sampleReport(HOSTILE_DEPARTMENT).tables.expiring));
    await page.fill('#filter-from', '2026-06-01');
    await page.dispatchEvent('#filter-from', 'change');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('from') === '2026-06-01');
    assert.equal(requests[requests.length - 1].searchParams.get('from'), '2026-06-01');
    // A reload keeps the view the URL names.
    await page.reload();
    await page.locator('#view-coverage .chart canvas').last().waitFor();
    assert.equal(await page.inputValue('#filter-department'), HOSTILE_DEPARTMENT);
  });

  it('downloads each view\'s CSV with the current filters, and it equals the table', async () => {
    await open('?department=Kasvatus%20ja%20opetus');
    for (const view of REPORT_VIEWS) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`#view-${view} button.csv`).click()]);
      const file = await download.path();
      const text = fs.readFileSync(file, 'utf8');
      assert.equal(text, csvOf(sampleReport('Kasvatus ja opetus').tables[view]));
      assert.match(download.suggestedFilename(), new RegExp(`^${view}-.*\\.csv$`));
      const asked = requests[requests.length - 1];
      assert.equal(asked.searchParams.get('view'), view);
      assert.equal(asked.searchParams.get('department'), 'Kasvatus ja opetus');
    }
  });

  for (const theme of ['default', 'dark', 'contrast'] as const) {
    it(`has no serious or critical accessibility violation in the ${theme} theme (axe-core), table views included`, async () => {
      await open(`?theme=${theme}`);
      assert.equal(await page.getAttribute('html', 'data-theme'), theme);
      const charts = await axeViolations(page, app.url);
      for (const view of REPORT_VIEWS) await page.locator(`#view-${view} button.toggle`).click();
      const tables = await axeViolations(page, app.url);
      await page.locator('main').screenshot({ path: path.join(SCREENS, `reports-tables-${theme}.png`) });
      for (const view of REPORT_VIEWS) await page.locator(`#view-${view} button.toggle`).click();
      await page.locator('main').screenshot({ path: path.join(SCREENS, `reports-page-${theme}.png`) });
      assert.deepEqual({ charts, tables }, { charts: [], tables: [] });
    });
  }

  it('as the configurable tab\'s config page (?config=1) explains the tab and fetches no data', async () => {
    const before = requests.length;
    await page.goto(`${app.url}/reports?config=1&lang=sv`);
    await page.locator('main p').first().waitFor();
    assert.equal(await page.locator('main p').first().textContent(), t('sv', 'reports.page.config.intro'));
    assert.equal(await page.locator('h1').textContent(), t('sv', 'reports.page.title'));
    assert.equal(requests.length, before);
  });

  it('reaches the filters, the toggles and the downloads with the keyboard, focus visible', async () => {
    await open();
    const reached: string[] = [];
    for (let i = 0; i < 16; i++) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate(() => {
        const a = document.activeElement as HTMLElement | null;
        const outline = a ? getComputedStyle(a).outlineStyle : 'none';
        return `${a?.id || a?.className || a?.tagName}:${outline !== 'none'}`;
      }));
    }
    for (const id of ['filter-from', 'filter-department', 'toggle', 'csv']) assert.ok(reached.some((r) => r.startsWith(id)), `${id} in ${reached.join(' ')}`);
    // A date input takes several stops (day, month, year, Chromium's own picker button, which draws its own ring):
    // its first stop must show our outline; every other control on each stop.
    const notVisible = reached.filter((r) => r.endsWith(':false') && !r.startsWith('filter-from') && !r.startsWith('filter-to'));
    assert.deepEqual(notVisible, [], `focus visible: ${reached.join(' ')}`);
    for (const id of ['filter-from', 'filter-to']) assert.ok(reached.find((r) => r.startsWith(id))?.endsWith(':true'), `${id} shows focus`);
  });
});

/** The Monday of an ISO date's week (computed here, independently of the server's arithmetic). */
function mondayOf(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  return addCalendarDays(iso, -((d.getUTCDay() + 6) % 7));
}

/** A `;`-separated, fully quoted CSV (BOM first) as rows of cells. */
function parseCsv(text: string): string[][] {
  assert.equal(text.charCodeAt(0), 0xfeff, 'UTF-8 BOM');
  return text.slice(1).split(/\r?\n/).filter((l) => l.length).map((line) => {
    const cells: string[] = [];
    for (const m of line.matchAll(/"((?:[^"]|"")*)"(;|$)/g)) cells.push(m[1].replace(/""/g, '"'));
    return cells;
  });
}

/** Some column of the table, read as numbers row by row, equals `expected`. */
function hasColumn(cells: string[][], expected: number[]): boolean {
  const body = cells.slice(1);
  if (body.length !== expected.length) return false;
  const width = Math.max(...body.map((r) => r.length));
  const num = (c: string | undefined) => Number((c ?? '').replace(/\s/g, '').replace(',', '.'));
  return Array.from({ length: width }, (_, j) => j).some((j) => body.every((r, i) => num(r[j]) === expected[i]));
}

/**
 * The tab over the app's own `/reports/api/data` (R1's server side, issue #13): passes only with both halves of the
 * issue merged. Orders and register entries are seeded through the app's stores; what the tables must show is
 * computed here from what was seeded.
 */
describe('reports tab: the page over the real data API, with seeded orders and register entries', function () {
  this.timeout(240_000);
  let bot: TestBot;
  let browser: E2EBrowser;
  let page: Page;
  const today = helsinkiDate(new Date());
  const THEME = 'palkkatietojen-ilmoittaminen';
  const KAUPUNKIKEHITYS = ['755fbd06-90db-519b-a785-09674308fc06', 'd6ff9ed7-577d-5fb4-9c1f-aa24633e2178'];
  /** Days from today on which each seeded entry ends, and its holder's department (sample-org.json). */
  const seeded: Array<{ subjectId: string; department: string; endsIn: number }> = [
    { subjectId: PEOPLE.mikko, department: 'Konsernipalvelut', endsIn: 9 },
    { subjectId: PEOPLE.sanna, department: 'Konsernipalvelut', endsIn: 9 },
    { subjectId: PEOPLE.johan, department: 'Konsernipalvelut', endsIn: 40 },
    { subjectId: KAUPUNKIKEHITYS[0], department: 'Kaupunkikehitys', endsIn: 10 },
    { subjectId: KAUPUNKIKEHITYS[1], department: 'Kaupunkikehitys', endsIn: 200 },
  ];
  let openNumbers: string[] = [];

  /** Entries ending per week over the next 13 weeks from this week's Monday, for one department or all. */
  function expectedEnding(department?: string): number[] {
    const first = mondayOf(today);
    const weeks = Array.from({ length: 13 }, (_, i) => addCalendarDays(first, 7 * i));
    return weeks.map((w) => seeded.filter((e) => (!department || e.department === department) && mondayOf(addCalendarDays(today, e.endsIn)) === w).length);
  }

  async function open(query = ''): Promise<void> {
    await openReports(page, `${bot.app.url}/reports${query}`);
  }

  before(async () => {
    bot = await startTestBot();
    const themes = await bot.app.deps.catalog.themes() as unknown as ReadonlyMap<string, { name: { fi: string } }>;
    const name = themes.get(THEME)?.name.fi;
    assert.ok(name, `${THEME} in the catalog`);
    const grants: Grant[] = seeded.map((e) => ({ subjectId: e.subjectId, themeId: THEME, themeName: name, validFrom: addCalendarDays(today, -100),
      validUntil: addCalendarDays(today, e.endsIn), grantedBy: 'Eija', orderId: '', grantedAt: new Date().toISOString(),
      source: { kind: 'import', file: 'rekisteri.csv', row: 2 } }));
    await bot.app.deps.grants.putMany(grants);
    const orders = [await submitAs(bot, PEOPLE.mikko, validOrder()), await submitAs(bot, PEOPLE.sanna, validOrder({ givenName: 'Sanna', surname: 'Korhonen', hetu: '020594X903P', requesterMail: 'sanna.korhonen@porvoo.example' }))];
    openNumbers = orders.map((o) => o.number);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.route('https://res.cdn.office.net/**', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"validOrigins":[]}' }));
  });

  after(async () => {
    await browser?.close();
    await bot?.stop();
  });

  it('draws every view from the store and shows the expiring weeks, coverage and open orders as seeded', async () => {
    await open();
    for (const view of REPORT_VIEWS) assert.ok((await drawnCharts(page, view)).every((n) => n > 500), `${view} drawn`);
    assert.equal(await page.locator('#local-notice').isVisible(), true, 'local mode says so');
    assert.ok(hasColumn(await tableCells(page, 'expiring'), expectedEnding()), 'a column of the expiring table is the entries ending per week');
    const coverage = await tableCells(page, 'coverage');
    for (const [department, holders] of [['Konsernipalvelut', 3], ['Kaupunkikehitys', 2]] as const) {
      assert.ok(coverage.some((r) => r.includes(department) && r.some((c) => Number(c) === holders)), `${department}: ${holders} holders in ${JSON.stringify(coverage)}`);
    }
    const listed = await page.locator('table.orders tbody th').allTextContents();
    assert.deepEqual([...listed].sort(), [...openNumbers].sort());
    for (const view of REPORT_VIEWS) await page.locator(`#view-${view}`).screenshot({ path: path.join(SCREENS, `reports-real-${view}.png`) });
  });

  it('the department filter changes the numbers to that department\'s', async () => {
    await open();
    await page.selectOption('#filter-department', 'Kaupunkikehitys');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('department') === 'Kaupunkikehitys' && !document.querySelector('main')?.hasAttribute('aria-busy'));
    await page.locator('#view-coverage .chart canvas').last().waitFor();
    assert.ok(hasColumn(await tableCells(page, 'expiring'), expectedEnding('Kaupunkikehitys')));
    const coverage = await tableCells(page, 'coverage');
    assert.ok(!coverage.some((r) => r.includes('Konsernipalvelut')), 'no other department');
    assert.ok(coverage.some((r) => r.includes('Kaupunkikehitys') && r.some((c) => Number(c) === 2)));
  });

  it('a date range ending before every completed line leaves the lead times empty, and the page says so', async () => {
    await open('?from=2020-01-01&to=2020-01-31');
    assert.equal(await page.locator('#view-leadTimes p.empty').count(), 4, 'each lead-time chart says "no data"');
    const leadTimes = await tableCells(page, 'leadTimes');
    const numbers = leadTimes.slice(1).flat().map((c) => Number(c)).filter((n) => Number.isFinite(n));
    assert.ok(numbers.every((n) => n === 0), `nothing completed in January 2020: ${JSON.stringify(leadTimes)}`);
  });

  it('each view\'s CSV download equals its table', async () => {
    await open();
    for (const view of REPORT_VIEWS) {
      const table = await tableCells(page, view);
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`#view-${view} button.csv`).click()]);
      assert.deepEqual(parseCsv(fs.readFileSync(await download.path(), 'utf8')), table, view);
    }
  });

  it('has no serious or critical accessibility violation with real data (axe-core)', async () => {
    await open();
    assert.deepEqual(await axeViolations(page, bot.app.url), []);
  });
});
