import assert from 'node:assert/strict';
import { startTestBot, PEOPLE, ADMIN_CHANNEL, TENANT, cardText, type TestBot } from '../helpers/botHarness';
import type { Grant } from '../../bot/store/grantStore';
import { runRegisterSweep } from '../../bot/services/registerSweep';

const channelConversation = { id: `${ADMIN_CHANNEL};messageid=1`, conversationType: 'channel', tenantId: TENANT, isGroup: true };
const ANTTI = '11688b5b-18dd-5419-990b-c2bb645b5617'; // administrator

/** Days from 2026-11-30 (the injected today), as an ISO date. */
const day = (n: number): string => new Date(Date.UTC(2026, 10, 30 + n)).toISOString().slice(0, 10);

function grant(subjectId: string, themeId: string, from: number, until: number, revoked = false): Grant {
  const g: Grant = { subjectId, themeId, themeName: themeId, validFrom: day(from), validUntil: day(until), grantedBy: 'admin', orderId: '',
    grantedAt: '2026-01-01T08:00:00.000Z' };
  if (revoked) { g.revokedAt = '2026-10-01T08:00:00.000Z'; g.revokedBy = PEOPLE.eija; }
  return g;
}

/** The state of an entry on 2026-11-30, written out here independently of bot/domain/register. */
function stateOf(g: Grant): string {
  if (g.revokedAt) return 'mitätöity';
  if (g.validUntil < day(0)) return 'päättynyt';
  if (g.validFrom > day(0)) return 'alkaa myöhemmin';
  return g.validUntil <= day(30) ? 'päättymässä' : 'voimassa';
}

/** The counts FactSet of an answer card: title → value. */
function counts(card: Record<string, unknown>): Record<string, string> {
  const set = (card.body as Array<Record<string, unknown>>).find((e) => e.type === 'FactSet') as { facts: Array<{ title: string; value: string }> };
  return Object.fromEntries(set.facts.map((f) => [f.title, f.value]));
}

function expectedCounts(entries: readonly Grant[]): Record<string, string> {
  const by = (s: string): string => String(entries.filter((g) => stateOf(g) === s).length);
  return { Henkilöitä: String(new Set(entries.map((g) => g.subjectId)).size), Valtuuksia: String(entries.length),
    voimassa: by('voimassa'), päättymässä: by('päättymässä'), 'alkaa myöhemmin': by('alkaa myöhemmin'), päättynyt: by('päättynyt'), mitätöity: by('mitätöity') };
}

function openUrl(card: Record<string, unknown>): string {
  const action = (card.actions as Array<Record<string, unknown>>).find((a) => a.type === 'Action.OpenUrl');
  assert.ok(action, 'the answer has a download button');
  return String(action.url);
}

describe('the administrators\' register search and CSV export (Azurite, real app)', function () {
  this.timeout(90_000);
  let bot: TestBot;
  let now = new Date('2026-11-30T08:00:00.000Z');
  const entries = [
    grant(PEOPLE.mikko, 'veroilmoittaminen', -300, 10),
    grant(PEOPLE.mikko, 'tulliasioiden-hoito', -100, 300),
    grant(PEOPLE.sanna, 'veroilmoittaminen', -400, -5),
    grant(PEOPLE.sanna, 'veroilmoittaminen', -5, 360),
    grant(PEOPLE.johan, 'veroilmoittaminen', 20, 400),
    grant(PEOPLE.aino, 'veroilmoittaminen', -50, 200, true),
    grant(PEOPLE.kaarina, 'veroilmoittaminen', -50, 30),
    // A theme id that is not in the catalog and would be a formula in a spreadsheet.
    grant(PEOPLE.aino, '=HYPERLINK("http://x")', -10, 100),
  ];
  before(async () => {
    bot = await startTestBot({}, { now: () => now });
    await bot.app.deps.grants.putMany(entries);
  });
  after(async () => { await bot?.stop(); });

  it('a theme search counts people, entries and every state exactly, and lists the rows in plain text', async () => {
    const card = await bot.execute(PEOPLE.eija, 'registerSearch', { by: 'theme', q: 'Veroilmoittaminen' });
    const vero = entries.filter((g) => g.themeId === 'veroilmoittaminen');
    assert.deepEqual(counts(card), expectedCounts(vero));
    const text = cardText(card);
    assert.match(text, /Valtuudet: Veroilmoittaminen/);
    for (const name of ['Mikko Virtanen', 'Sanna Korhonen', 'Johan Sjöberg', 'Aino Lindqvist', 'Kaarina Salo']) assert.ok(text.includes(name), name);
    assert.ok(text.indexOf('päättymässä**') < text.indexOf('voimassa**'), 'what needs attention first');
    assert.ok(!/Action.OpenUrl/.test(JSON.stringify(card)), 'no link before one is asked for');
  });

  it('a person search (by e-mail and by name) and a department search agree with the entries', async () => {
    const byMail = await bot.execute(PEOPLE.eija, 'registerSearch', { by: 'person', q: 'mikko.virtanen@porvoo.example' });
    assert.deepEqual(counts(byMail), expectedCounts(entries.filter((g) => g.subjectId === PEOPLE.mikko)));
    const byName = await bot.execute(PEOPLE.eija, 'registerSearch', { by: 'person', q: 'korhonen' });
    assert.deepEqual(counts(byName), expectedCounts(entries.filter((g) => g.subjectId === PEOPLE.sanna)));
    const department = await bot.execute(PEOPLE.eija, 'registerSearch', { by: 'department', q: 'konsernipalvelut' });
    assert.deepEqual(counts(department), expectedCounts(entries), 'everyone seeded works in Konsernipalvelut');
    assert.match(cardText(department), /Valtuudet: Konsernipalvelut/);
  });

  it('the menu offers it to administrators only; the typed command searches; text is shown plain', async () => {
    const before = bot.sink.sent().length;
    await bot.message(PEOPLE.eija, 'hei');
    await bot.message(PEOPLE.mikko, 'hei');
    await bot.sink.waitFor(() => bot.sink.sent().length >= before + 2);
    const menus = bot.sink.sent().slice(before).map((r) => JSON.stringify(r.body));
    assert.equal(menus.filter((m) => m.includes('"verb":"menuRegisterSearch"')).length, 1, 'only the administrator\'s menu has the entry');
    const typedBefore = bot.sink.sent().length;
    await bot.message(PEOPLE.eija, 'hae valtuuksia veroilmoittaminen');
    await bot.sink.waitFor(() => bot.sink.sent().length > typedBefore);
    assert.match(JSON.stringify(bot.sink.sent().slice(typedBefore).map((r) => r.body)), /Valtuudet: Veroilmoittaminen/);
    const none = await bot.execute(PEOPLE.eija, 'registerSearch', { by: 'theme', q: '**Ei _ole_**' });
    assert.match(cardText(none), /ei löytynyt/);
    assert.ok(cardText(none).includes('\\*\\*Ei \\_ole\\_\\*\\*'), 'the typed text is escaped, not rendered as markdown');
  });

  it('a non-administrator is refused every step (a forged button reads nothing), and an administrator in a channel is sent to the personal chat', async () => {
    for (const verb of ['registerSearch', 'registerExport']) {
      const refused = await bot.execute(PEOPLE.mikko, verb, { by: 'theme', q: 'Veroilmoittaminen' });
      assert.match(cardText(refused), /Sinulla ei ole oikeutta/);
      assert.ok(!cardText(refused).includes('Sanna'), 'nothing of the register');
    }
    const before = bot.sink.sent().length;
    await bot.message(PEOPLE.mikko, '', { value: { verb: 'menuRegisterSearch' } });
    await bot.sink.waitFor(() => bot.sink.sent().length > before);
    assert.match(JSON.stringify(bot.sink.sent().slice(before).map((r) => r.body)), /Sinulla ei ole oikeutta/);
    const inChannel = await bot.execute(PEOPLE.eija, 'registerSearch', { by: 'theme', q: 'Veroilmoittaminen' }, channelConversation);
    assert.match(cardText(inChannel), /vain henkilökohtaisessa keskustelussa/);
  });

  it('the CSV link works once for its administrator, then never again; forged, expired and odd tokens get a 404, never a 5xx', async () => {
    const link = openUrl(await bot.execute(PEOPLE.eija, 'registerExport', { by: 'person', q: 'aino.lindqvist@porvoo.example' }));
    assert.ok(link.startsWith(`${bot.app.url}/register/export/`), link);
    const res = await fetch(link);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
    assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="valtuudet-2026-11-30\.csv"$/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark for Excel');
    const csv = new TextDecoder().decode(bytes.slice(3));
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0], '"Henkilö";"Sähköposti";"Toimiala";"Valtuusasian tunnus";"Valtuusasia";"Alkaa";"Päättyy";"Tila";"Mitätöity"');
    assert.equal(lines.length, 1 + entries.filter((g) => g.subjectId === PEOPLE.aino).length);
    assert.ok(lines.includes(`"Aino Lindqvist";"aino.lindqvist@porvoo.example";"Konsernipalvelut";"'=HYPERLINK(""http://x"")";"'=HYPERLINK(""http://x"")";"${day(-10)}";"${day(100)}";"voimassa";""`),
      `a formula-looking cell is text, quotes doubled: ${csv}`);
    assert.ok(lines.some((l) => l.includes('"mitätöity";"2026-10-01"')), csv);

    assert.equal((await fetch(link)).status, 404, 'used once');
    // Another administrator's search is their own link; a link cannot be reused by anyone.
    const other = openUrl(await bot.execute(ANTTI, 'registerExport', { by: 'theme', q: 'Veroilmoittaminen' }));
    assert.notEqual(other, link);
    const forged = link.replace(/\/register\/export\/[^?]+/, `/register/export/${'A'.repeat(43)}`);
    for (const url of [forged, `${bot.app.url}/register/export/..%2F..%2Fetc`, `${bot.app.url}/register/export/${'x'.repeat(5000)}`, `${bot.app.url}/register/export/%00`, `${bot.app.url}/register/export/%E0%A4%A`, `${bot.app.url}/register/export/x?lang=%ZZ`]) {
      const r = await fetch(url);
      assert.equal(r.status, 404, url.slice(0, 80));
      await r.text();
    }
    assert.match(await (await fetch(forged)).text(), /Linkki ei ole voimassa/, 'a refusal says what to do');
    now = new Date(now.getTime() + 11 * 60_000);
    const expired = await fetch(other);
    assert.equal(expired.status, 404, 'expired after 10 minutes');
    now = new Date('2026-11-30T08:00:00.000Z');
    const swedish = openUrl(await bot.execute(PEOPLE.camilla, 'registerExport', { by: 'theme', q: 'Veroilmoittaminen' }));
    const sv = await fetch(swedish.replace(/lang=fi/, 'lang=sv'));
    assert.equal(sv.status, 200);
    assert.match(await sv.text(), /"Person";"E-post"/);
  });
});

describe('a theme\'s answer is saved for its day (Azurite, real app)', function () {
  this.timeout(90_000);
  let bot: TestBot;
  let now = new Date('2026-11-30T08:00:00.000Z');
  let rosterReads = 0;
  const entries = [grant(PEOPLE.mikko, 'veroilmoittaminen', -300, 10), grant(PEOPLE.sanna, 'veroilmoittaminen', -5, 31)];
  before(async () => {
    bot = await startTestBot({}, { now: () => now });
    await bot.app.deps.grants.putMany(entries);
    const grants = bot.app.deps.grants;
    // A new store's first indexed read backfills the index once (a reindex, which rewrites the rosters): done here.
    await grants.themeHolders('veroilmoittaminen');
    const themeHolders = grants.themeHolders.bind(grants);
    grants.themeHolders = (themeId) => { rosterReads += 1; return themeHolders(themeId); };
  });
  after(async () => { await bot?.stop(); });
  const search = () => bot.execute(PEOPLE.eija, 'registerSearch', { by: 'theme', q: 'veroilmoittaminen' });

  it('the second search of the day reads no roster and answers the same; a write of the theme or the next day computes it again', async () => {
    const first = await search();
    assert.equal(rosterReads, 1);
    assert.deepEqual(counts(first), expectedCounts(entries));
    const second = await search();
    assert.equal(rosterReads, 1, 'served from the saved view');
    assert.deepEqual(second, first, 'the same card, names and all');

    const added = grant(PEOPLE.johan, 'veroilmoittaminen', -1, 100);
    await bot.app.deps.grants.put(added);
    const afterWrite = await search();
    assert.equal(rosterReads, 2, 'the write made the view stale');
    assert.deepEqual(counts(afterWrite), expectedCounts([...entries, added]));
    assert.match(cardText(afterWrite), /Johan Sjöberg/);
    await search();
    assert.equal(rosterReads, 2);

    // The next day Sanna's entry (ending in 31 days today) is ending: states depend on the day.
    now = new Date('2026-12-01T08:00:00.000Z');
    const tomorrow = counts(await search());
    assert.equal(rosterReads, 3);
    assert.equal(tomorrow['päättymässä'], '2', JSON.stringify(tomorrow));
  });

  it('a view computed from the roster before a holder\'s write is not saved over it', async () => {
    const grants = bot.app.deps.grants;
    const before = await grants.themeView('veroilmoittaminen');
    assert.ok(before && !before.stale, 'saved by the searches above');
    await grants.put(grant(PEOPLE.aino, 'veroilmoittaminen', -2, 50));
    await grants.saveThemeView('veroilmoittaminen', '2026-12-01', '{"people":0}', before.etag);
    const after = await grants.themeView('veroilmoittaminen');
    assert.equal(after?.stale, true, 'still stale: the next search computes it');
    assert.notEqual(after?.json, '{"people":0}');
    const reads = rosterReads;
    assert.equal(counts(await search())['Valtuuksia'], '4');
    assert.equal(rosterReads, reads + 1);
  });

  it('the daily sweep saves every theme\'s view of the day, so the first search of the day reads no roster', async () => {
    now = new Date('2026-12-02T08:00:00.000Z');
    const grants = bot.app.deps.grants;
    await grants.put(grant(PEOPLE.kaarina, 'veroilmoittaminen', -3, 60));
    assert.equal((await grants.themeView('veroilmoittaminen'))?.stale, true);
    const report = await runRegisterSweep(bot.app.deps);
    assert.equal(report.steps.find((s) => s.name === 'searchViews')?.counts.themes, (await bot.app.deps.catalog.themes()).size);
    const saved = await grants.themeView('veroilmoittaminen');
    assert.equal(saved?.day, '2026-12-02');
    assert.equal(saved?.stale, false);
    const reads = rosterReads;
    assert.equal(counts(await search())['Valtuuksia'], '5');
    assert.equal(rosterReads, reads, 'served from the view the sweep saved');
  });
});
