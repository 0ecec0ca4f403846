import assert from 'node:assert/strict';
import { loadScopeVariants, loadSeedCatalog } from '../../bot/catalog/seed';
import type { MapRow, ScopeType } from '../../bot/domain/catalog';
import { MandateMap, type MapPerson } from '../../bot/domain/mandateMap';

function row(scopeType: ScopeType, scope: string, themeId: string, whyFi = `${scope}: ${themeId}`, whySv = `sv ${whyFi}`): MapRow {
  return { scopeType, scope, themeId, why: { fi: whyFi, sv: whySv, en: `en ${whyFi}` } };
}

function person(p: Partial<MapPerson>): MapPerson {
  return { department: '', serviceArea: '', jobTitle: '', ...p };
}

const themeIds = (map: MandateMap, p: Partial<MapPerson>): string[] => map.suggest(person(p)).map((s) => s.themeId).sort();

describe('MandateMap (valtuuskartta)', () => {
  const seed = loadSeedCatalog();
  const seedMap = new MandateMap(seed.map, { variants: loadScopeVariants() });

  it('gives the Palkanlaskija in Henkilöstö the payroll themes and nothing else', () => {
    const suggested = themeIds(seedMap, {
      department: 'Konsernipalvelut', serviceArea: 'Henkilöstö, demokratia ja kehitys', jobTitle: 'Palkanlaskija',
    });
    assert.deepEqual(suggested, [
      'palkkatietojen-ilmoittaminen',
      'palkkatietojen-katselu',
      'palvelussuhteeseen-liittyvien-etuuksien-hakeminen',
      'palvelussuhteeseen-liittyvien-etuuspaatosten-tarkastelu',
    ]);
  });

  it('ignores case and spacing in the person\'s scopes', () => {
    const plain = themeIds(seedMap, { serviceArea: 'Rahoitus ja strategia', jobTitle: 'Palkanlaskija' });
    const messy = themeIds(seedMap, { serviceArea: '  RAHOITUS   ja\tstrategia ', jobTitle: 'palkanLASKIJA ' });
    assert.equal(plain.length, 8);
    assert.deepEqual(messy, plain);
  });

  it('treats the seed\'s Rehtori and Rektor, Koulusihteeri and Skolsekreterare as one title', () => {
    assert.deepEqual(themeIds(seedMap, { jobTitle: 'Rektor' }), themeIds(seedMap, { jobTitle: 'Rehtori' }));
    assert.deepEqual(themeIds(seedMap, { jobTitle: 'Skolsekreterare' }), ['oppilaitoksen-opintotukiasiointi']);
  });

  it('gives a Rektor the themes the map lists only under Rehtori, through the explicit variant list', () => {
    const map = new MandateMap([row('jobTitle', 'Rehtori', 'valtionavustusten-hakeminen')], {
      variants: [{ scopeType: 'jobTitle', names: ['Rehtori', 'Rektor'] }],
    });
    assert.deepEqual(themeIds(map, { jobTitle: 'rektor' }), ['valtionavustusten-hakeminen']);
    assert.deepEqual(new MandateMap(map.rows).suggest(person({ jobTitle: 'Rektor' })), []);
  });

  it('learns a fi/sv title pair from rows that are copies, and then shares themes added under one name', () => {
    const map = new MandateMap([
      row('jobTitle', 'Rehtori', 'valtionavustusten-hakeminen', 'Avustukset OKM:ltä.', 'Understöd från UKM.'),
      row('jobTitle', 'Rektor', 'valtionavustusten-hakeminen', 'Avustukset OKM:ltä.', 'Understöd från UKM.'),
      row('jobTitle', 'Rehtori', 'koulujakelutuen-hakeminen'),
    ]);
    assert.deepEqual(themeIds(map, { jobTitle: 'Rektor' }), ['koulujakelutuen-hakeminen', 'valtionavustusten-hakeminen']);
  });

  it('keeps titles apart when they only share a theme with different reasons, or one reason among many rows', () => {
    const map = new MandateMap([
      row('jobTitle', 'Palkanlaskija', 'palkkatietojen-katselu', 'Palkkojen tarkistus.', 'Kontroll av löner.'),
      row('jobTitle', 'Palkanlaskija', 'palkkatietojen-ilmoittaminen'),
      row('jobTitle', 'Palkanlaskija', 'etuustietojen-katselu'),
      row('jobTitle', 'Talousjohtaja', 'palkkatietojen-katselu', 'Palkkojen tarkistus.', 'Kontroll av löner.'),
      row('jobTitle', 'Henkilöstöasiantuntija', 'palkkatietojen-katselu', 'Seuranta.', 'Uppföljning.'),
    ]);
    assert.deepEqual(themeIds(map, { jobTitle: 'Talousjohtaja' }), ['palkkatietojen-katselu']);
    assert.deepEqual(themeIds(map, { jobTitle: 'Henkilöstöasiantuntija' }), ['palkkatietojen-katselu']);
  });

  it('matches Swedish department and service area names through the sample organisation', () => {
    assert.deepEqual(themeIds(seedMap, { department: 'Växande och lärande' }), ['koulujakelutuen-hakeminen']);
    assert.deepEqual(
      themeIds(seedMap, { serviceArea: 'Finansiering och strategi' }),
      themeIds(seedMap, { serviceArea: 'Rahoitus ja strategia' }),
    );
  });

  it('merges several scopes that need the same theme into one suggestion with every reason, title first', () => {
    const suggestions = seedMap.suggest(person({
      department: 'Elinvoima', serviceArea: 'Elinkeinot ja työllisyys', jobTitle: 'Omavalmentaja',
    }));
    const ids = suggestions.map((s) => s.themeId);
    assert.equal(new Set(ids).size, ids.length, 'each theme once');
    const both = suggestions.find((s) => s.themeId === 'etuustietojen-katselu-ja-maksuvaatimusten-rekisterointi');
    assert.ok(both);
    assert.deepEqual(both.reasons.map((r) => [r.scopeType, r.scope]), [
      ['jobTitle', 'Omavalmentaja'], ['serviceArea', 'Elinkeinot ja työllisyys'],
    ]);
    assert.equal(both.reasons[0].why.fi, 'Työnhakijan etuustilanteen tarkistaminen neuvonnassa.');
  });

  it('gives one reason per scope type when a title and its variant both list the theme, in the person\'s spelling', () => {
    const [suggestion] = seedMap.suggest(person({ jobTitle: 'REKTOR' }));
    assert.deepEqual(suggestion.reasons.map((r) => r.scope), ['Rektor']);
  });

  it('suggests nothing for scopes the map does not know or leaves empty', () => {
    assert.deepEqual(seedMap.suggest(person({ department: 'Tuntematon', jobTitle: 'Astronautti' })), []);
    assert.deepEqual(seedMap.suggest(person({})), []);
  });

  it('lists distinct scopes for browsing and finds rows for a scope however it is written', () => {
    const map = new MandateMap([
      row('jobTitle', 'Rehtori', 'a'), row('jobTitle', 'rehtori ', 'b'), row('jobTitle', 'Kirjanpitäjä', 'c'),
      row('serviceArea', 'Varhaiskasvatus', 'd'),
    ]);
    assert.deepEqual(map.scopes('jobTitle'), ['Kirjanpitäjä', 'Rehtori']);
    assert.deepEqual(map.scopes('department'), []);
    assert.deepEqual(map.rowsFor('jobTitle', 'REHTORI').map((r) => r.themeId), ['a', 'b']);
    assert.deepEqual(map.rowsFor('serviceArea', 'Rehtori'), []);
  });

  it('returns a theme once from rowsFor when variants both list it, preferring the asked spelling', () => {
    const rows = seedMap.rowsFor('jobTitle', 'rektor');
    assert.deepEqual(rows.map((r) => [r.scope, r.themeId]), [['Rektor', 'valtionavustusten-hakeminen']]);
  });

  it('stays correct with 1,000 themes over 500 scopes', () => {
    const rows: MapRow[] = [];
    for (let i = 0; i < 500; i++) {
      rows.push(row('jobTitle', `Nimike ${i}`, `theme-${2 * i}`), row('jobTitle', `Nimike ${i}`, `theme-${2 * i + 1}`));
    }
    const map = new MandateMap(rows);
    assert.equal(map.scopes('jobTitle').length, 500);
    for (const i of [0, 1, 137, 250, 499]) {
      assert.deepEqual(themeIds(map, { jobTitle: `nimike ${i}` }), [`theme-${2 * i}`, `theme-${2 * i + 1}`].sort());
    }
    assert.deepEqual(themeIds(map, { jobTitle: 'Nimike 500' }), []);
  });
});
