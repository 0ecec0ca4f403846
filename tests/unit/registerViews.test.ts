import assert from 'node:assert/strict';
import { entriesToShow, myMandatesView, teamMandatesView, type RegisterEntry, type ReportView } from '../../bot/presenters/registerViews';
import { plainText } from '../../bot/domain/safeText';
import { loadSeedCatalog } from '../../bot/catalog/seed';
import type { Theme } from '../../bot/domain/catalog';
import { LANGS, formatDate, translator } from '../../bot/i18n';
import { cardSize, cardTexts, SAMPLE_HETU, TEAMS_CARD_LIMIT_BYTES, validateCard } from '../helpers/cardCheck';

const TODAY = '2026-11-30';
/** Noon in Helsinki on TODAY. */
const NOW = new Date('2026-11-30T10:00:00Z');
const themes: ReadonlyMap<string, Theme> = new Map(loadSeedCatalog().themes.map((t) => [t.id, t]));
const [A, B, C, D, E, F] = [...themes.values()];

const entry = (theme: Theme, validFrom: string, validUntil: string, extra: Partial<RegisterEntry> = {}): RegisterEntry =>
  ({ themeId: theme.id, themeName: theme.name.fi, validFrom, validUntil, ...extra });

describe('register views: what "Omat valtuudet" shows and in which order (presenters/registerViews)', () => {
  it('puts what needs attention first: expiring, active, upcoming, then what ended (the most recent first)', () => {
    const entries = [
      entry(A, '2025-01-01', '2026-06-30'), // expired
      entry(B, '2026-01-01', '2027-06-30'), // active, ends later
      entry(C, '2027-01-01', '2028-12-31'), // upcoming
      entry(D, '2026-01-01', '2026-12-20'), // expiring
      entry(E, '2026-01-01', '2027-01-31', { revokedAt: '2026-09-15T08:00:00.000Z' }), // revoked
      entry(F, '2026-01-01', '2027-03-31'), // active, ends sooner
    ];
    const shown = entriesToShow(entries, TODAY);
    assert.deepEqual(shown.map((s) => s.state), ['expiring', 'active', 'active', 'upcoming', 'revoked', 'expired']);
    assert.deepEqual(shown.map((s) => s.entry.themeId), [D.id, F.id, B.id, C.id, E.id, A.id]);
  });

  it('leaves out expired and revoked entries that ended more than a year ago (a year to the day still shows)', () => {
    const shown = entriesToShow([
      entry(A, '2024-01-01', '2025-11-30'), // ended a year ago today: shown
      entry(B, '2024-01-01', '2025-11-29'), // a year and a day: hidden
      entry(C, '2024-01-01', '2027-12-31', { revokedAt: '2025-11-01T10:00:00.000Z' }), // revoked over a year ago: hidden
      entry(D, '2024-01-01', '2027-12-31', { revokedAt: '2026-01-10T10:00:00.000Z' }), // revoked this year: shown
      entry(E, '2020-01-01', '2030-12-31'), // long-lived and active: shown
    ], TODAY);
    assert.deepEqual(shown.map((s) => s.entry.themeId).sort(), [A.id, D.id, E.id].sort());
  });

  for (const lang of LANGS) {
    it(`${lang}: the theme and e-service come from the catalog in the reader's language, dates as the reader writes them, the state label`, () => {
      const tr = translator(lang);
      const texts = cardTexts(myMandatesView(tr, lang, [entry(A, '2026-01-01', '2026-12-20'), entry(B, '2026-01-01', '2027-06-30')], themes, NOW)).join('\n');
      assert.ok(texts.includes(plainText(A.name[lang] || A.name.fi)), texts);
      assert.ok(texts.includes(formatDate(lang, '2026-12-20')), texts);
      assert.ok(texts.includes(tr('mandates.state.expiring')) && texts.includes(tr('mandates.state.active')), texts);
      assert.ok(texts.indexOf(plainText(A.name[lang] || A.name.fi)) < texts.indexOf(plainText(B.name[lang] || B.name.fi)), 'the expiring one first');
    });

    it(`${lang}: an empty register says so and offers the order form`, () => {
      const c = myMandatesView(translator(lang), lang, [], themes, NOW);
      assert.ok(cardTexts(c).includes(translator(lang)('mandates.none')));
      assert.ok(JSON.stringify(c.actions).includes('"menuOrder"'));
    });
  }

  it('a theme no longer in the catalog shows its stored Finnish name, made plain (as everything people typed)', () => {
    const hostile = `[Klikkaa](https://evil.example) **${SAMPLE_HETU}** \u202Efdp.exe`;
    const c = myMandatesView(translator('fi'), 'fi', [{ themeId: 'poistettu', themeName: hostile, validFrom: '2026-01-01', validUntil: '2027-06-30' }], themes, NOW);
    const json = JSON.stringify(c);
    assert.ok(cardTexts(c).some((t) => t.includes(plainText(hostile))));
    assert.ok(!json.includes(SAMPLE_HETU) && !json.includes('](https') && !json.includes('\u202E'), json);
  });

  it('the manager\'s view shows each report under their name, names and titles made plain, the same order inside', () => {
    const reports: ReportView[] = [
      { person: { displayName: '<b>Matti</b> [x](https://evil.example)', jobTitle: `Palkanlaskija ${SAMPLE_HETU}` }, entries: [entry(A, '2025-01-01', '2026-06-30'), entry(B, '2026-01-01', '2026-12-10')] },
      { person: { displayName: 'Liisa Korhonen', jobTitle: '' }, entries: [] },
    ];
    const tr = translator('fi');
    const c = teamMandatesView(tr, 'fi', reports, themes, NOW);
    const texts = cardTexts(c);
    const json = JSON.stringify(c);
    assert.ok(texts.some((t) => t.includes(plainText('<b>Matti</b> [x](https://evil.example)'))), texts.join('\n'));
    assert.ok(!json.includes('<b>') && !json.includes('](https') && !json.includes(SAMPLE_HETU), json);
    assert.ok(texts.includes(tr('mandates.teamNoneFor')), 'a report without entries says so');
    const all = texts.join('\n');
    assert.ok(all.indexOf(tr('mandates.state.expiring')) < all.indexOf(tr('mandates.state.expired')));
    assert.deepEqual(validateCard(c), []);
  });

  it('a manager of 400 people with long registers gets a card under 28 KB that counts the people left out', () => {
    const many = [...themes.values()].slice(0, 12);
    const reports: ReportView[] = Array.from({ length: 400 }, (_, i) => ({
      person: { displayName: `Henkilö ${'Pitkänimi-'.repeat(5)}${i}`, jobTitle: 'Palkanlaskija' },
      entries: many.map((t, k) => entry(t, '2026-01-01', `2027-0${1 + (k % 9)}-15`)),
    }));
    for (const lang of LANGS) {
      const tr = translator(lang);
      const c = teamMandatesView(tr, lang, reports, themes, NOW);
      assert.ok(cardSize(c) < TEAMS_CARD_LIMIT_BYTES, `${lang}: ${cardSize(c)} bytes`);
      const shownPeople = cardTexts(c).filter((t) => t.includes('Pitkänimi')).length;
      assert.ok(shownPeople > 5 && shownPeople < 400, `${lang}: ${shownPeople} people shown`);
      assert.ok(cardTexts(c).includes(tr('mandates.teamMore', { count: 400 - shownPeople })), `${lang}: the "and N more" line`);
      assert.deepEqual(validateCard(c), []);
    }
  });
});
