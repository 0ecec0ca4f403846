import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Workbook } from 'exceljs';
import {
  MAP_SHEET, THEME_SHEET, csvPaths, readCatalogFile, writeCatalogFile,
  type CatalogFileError, type ParseResult,
} from '../../bot/catalog/fileFormat';
import { loadSeedCatalog } from '../../bot/catalog/seed';
import { parseCsv } from '../../bot/catalog/csv';
import { eserviceIn, mandateTypeOf } from '../../bot/domain/catalog';
import type { CatalogSnapshot } from '../../bot/domain/catalog';

const THEME_HEADER = 'id,name_fi,name_sv,name_en,eservice,description_fi,description_sv,description_en,suomifi_code,held_by_organisation,active';
const MAP_HEADER = 'scope_type,scope,theme_id,why_fi,why_sv,why_en';
const GOOD_THEME = 'vero,Veroasioiden hoito,Skötsel av skatteärenden,Managing tax matters,Verohallinto,,,,,yes,yes';
const GOOD_MAP = 'jobTitle,Rehtori,vero,Miksi,Varför,Why';

describe('catalog files (.xlsx / .csv)', () => {
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-file-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  let counter = 0;
  /** Writes <name>.themes.csv and <name>.map.csv and returns the "<name>.csv" the reader takes. */
  function csvCatalog(themeLines: string[], mapLines: string[]): string {
    counter += 1;
    const file = path.join(dir, `c${counter}.csv`);
    const paths = csvPaths(file);
    fs.writeFileSync(paths.themes, themeLines.join('\r\n') + '\r\n');
    fs.writeFileSync(paths.map, mapLines.join('\r\n') + '\r\n');
    return file;
  }

  function errorsOf(result: ParseResult): CatalogFileError[] {
    assert.equal(result.ok, false, 'expected the file to be rejected');
    return result.ok ? [] : result.errors;
  }

  const brief = (errors: CatalogFileError[]): Array<[string, number | undefined, string | undefined]> =>
    errors.map((e) => [e.kind, e.row, e.column]);

  it('reads a valid CSV pair', async () => {
    const result = await readCatalogFile(csvCatalog([THEME_HEADER, GOOD_THEME], [MAP_HEADER, GOOD_MAP]));
    assert.ok(result.ok);
    assert.equal(result.snapshot.themes[0].name.sv, 'Skötsel av skatteärenden');
    assert.deepEqual(result.snapshot.map[0], {
      scopeType: 'jobTitle', scope: 'Rehtori', themeId: 'vero', why: { fi: 'Miksi', sv: 'Varför', en: 'Why' },
    });
  });

  it('names a missing column on row 1', async () => {
    const header = THEME_HEADER.replace('name_sv,', '');
    const line = GOOD_THEME.replace('Skötsel av skatteärenden,', '');
    const errors = errorsOf(await readCatalogFile(csvCatalog([header, line], [MAP_HEADER, GOOD_MAP])));
    assert.deepEqual(brief(errors), [['missingColumn', 1, 'name_sv']]);
    assert.match(errors[0].message, /name_sv/);
    assert.equal(errors[0].source, 'c' + counter + '.themes.csv');
  });

  it('reports a map row naming an unknown theme with its row number', async () => {
    const errors = errorsOf(await readCatalogFile(csvCatalog(
      [THEME_HEADER, GOOD_THEME],
      [MAP_HEADER, GOOD_MAP, 'department,Kasvu ja oppiminen,ei-ole,Miksi,Varför,Why'],
    )));
    assert.deepEqual(brief(errors), [['unknownTheme', 3, 'theme_id']]);
    assert.match(errors[0].message, /ei-ole/);
  });

  it('reports a duplicate theme id (case ignored) on the later row, naming the first', async () => {
    const errors = errorsOf(await readCatalogFile(csvCatalog(
      [THEME_HEADER, GOOD_THEME, 'toinen,Toinen,Annan,Other,X,,,,,no,yes', GOOD_THEME.replace('vero,', 'VERO,')],
      [MAP_HEADER, GOOD_MAP],
    )));
    assert.deepEqual(brief(errors), [['duplicate', 4, 'id']]);
    assert.match(errors[0].message, /row 2/);
  });

  it('reports a duplicate map row compared after normalising the scope', async () => {
    const errors = errorsOf(await readCatalogFile(csvCatalog(
      [THEME_HEADER, GOOD_THEME],
      [MAP_HEADER, GOOD_MAP, 'jobtitle,  REHTORI ,Vero,Toinen syy,Annat skäl,Other'],
    )));
    assert.deepEqual(brief(errors), [['duplicate', 3, 'scope']]);
  });

  it('rejects bad language text: empty fi/sv name, over 500 characters, control characters', async () => {
    const errors = errorsOf(await readCatalogFile(csvCatalog([
      THEME_HEADER,
      'a,,Annan,,X,,,,,yes,yes',
      `b,B,B,B,X,${'x'.repeat(501)},,,,yes,yes`,
      'c,C\u0007,C,C,X,,,,,yes,yes',
      'd,D,,D,X,,,,,yes,yes',
    ], [MAP_HEADER])));
    assert.deepEqual(brief(errors), [
      ['badText', 2, 'name_fi'], ['badText', 3, 'description_fi'], ['badText', 4, 'name_fi'], ['badText', 5, 'name_sv'],
    ]);
  });

  it('rejects a held_by_organisation that is not yes/no, and accepts kyllä/ei/true/false', async () => {
    const errors = errorsOf(await readCatalogFile(csvCatalog(
      [THEME_HEADER, GOOD_THEME, 'x,X,X,X,X,,,,,ehkä,yes', 'y,Y,Y,Y,Y,,,,,,yes'],
      [MAP_HEADER],
    )));
    assert.deepEqual(brief(errors), [['badBoolean', 3, 'held_by_organisation'], ['badBoolean', 4, 'held_by_organisation']]);

    const ok = await readCatalogFile(csvCatalog(
      [THEME_HEADER, 'a,A,A,A,X,,,,,Kyllä,ei', 'b,B,B,B,X,,,,,false,TRUE', 'c,C,C,C,X,,,,,no,'],
      [MAP_HEADER],
    ));
    assert.ok(ok.ok);
    assert.deepEqual(ok.snapshot.themes.map((t) => [t.heldByOrganisation, t.active]), [[true, false], [false, true], [false, true]]);
  });

  it('rejects an unknown scope_type and accepts the Finnish words for the known ones', async () => {
    const errors = errorsOf(await readCatalogFile(csvCatalog(
      [THEME_HEADER, GOOD_THEME],
      [MAP_HEADER, GOOD_MAP, 'osasto,Tekninen,vero,Miksi,Varför,Why'],
    )));
    assert.deepEqual(brief(errors), [['unknownScopeType', 3, 'scope_type']]);

    const ok = await readCatalogFile(csvCatalog(
      [THEME_HEADER, GOOD_THEME],
      [MAP_HEADER, 'toimiala,Elinvoima,vero,M,V,W', 'Palvelualue,Vapaa-aika,vero,M,V,W', 'nimike,Rektor,vero,M,V,W'],
    ));
    assert.ok(ok.ok);
    assert.deepEqual(ok.snapshot.map.map((r) => r.scopeType), ['department', 'serviceArea', 'jobTitle']);
  });

  it('counts a quoted multi-line cell as one row, as a spreadsheet does', async () => {
    const errors = errorsOf(await readCatalogFile(csvCatalog(
      [THEME_HEADER, 'a,A,A,A,X,"rivi 1\r\nrivi 2\r\nrivi 3",,,,yes,yes', 'b,B,B,B,X,,,,,huono,yes'],
      [MAP_HEADER],
    )));
    assert.deepEqual(brief(errors), [['badBoolean', 3, 'held_by_organisation']]);
  });

  it('reads semicolon-separated CSV as Excel writes it in a Finnish locale', async () => {
    const result = await readCatalogFile(csvCatalog(
      [THEME_HEADER.replace(/,/g, ';'), 'vero;Vero;Skatt;Tax;"Verohallinto; OmaVero";;;;;kyllä;kyllä'],
      [MAP_HEADER.replace(/,/g, ';'), 'jobTitle;Rehtori;vero;Miksi, kun;Varför;Why'],
    ));
    assert.ok(result.ok);
    assert.equal(result.snapshot.themes[0].eservice, 'Verohallinto; OmaVero');
    assert.equal(result.snapshot.map[0].why.fi, 'Miksi, kun');
  });

  it('says which file of a CSV pair is missing', async () => {
    const file = csvCatalog([THEME_HEADER, GOOD_THEME], [MAP_HEADER]);
    fs.rmSync(csvPaths(file).map);
    const errors = errorsOf(await readCatalogFile(file));
    assert.deepEqual(errors.map((e) => [e.kind, e.source]), [['missingFile', path.basename(csvPaths(file).map)]]);
  });

  it('reports errors in a workbook with the sheet row numbers, blank rows included', async () => {
    const workbook = new Workbook();
    const themes = workbook.addWorksheet(THEME_SHEET);
    themes.addRow(THEME_HEADER.split(','));
    themes.addRow(GOOD_THEME.split(','));
    themes.getRow(4).values = ['x', 'X', 'X', 'X', 'X', '', '', '', '', 'maybe', 'yes'];
    const map = workbook.addWorksheet(MAP_SHEET);
    map.addRow(MAP_HEADER.split(','));
    map.addRow(['jobTitle', 'Rehtori', 'puuttuu', 'M', 'V', 'W']);
    const file = path.join(dir, 'errors.xlsx');
    await workbook.xlsx.writeFile(file);
    const errors = errorsOf(await readCatalogFile(file));
    assert.deepEqual(errors.map((e) => [e.source, e.kind, e.row]), [
      [THEME_SHEET, 'badBoolean', 4], [MAP_SHEET, 'unknownTheme', 2],
    ]);
  });

  it('reports a workbook without the map sheet', async () => {
    const workbook = new Workbook();
    workbook.addWorksheet(THEME_SHEET).addRow(THEME_HEADER.split(','));
    const file = path.join(dir, 'nosheet.xlsx');
    await workbook.xlsx.writeFile(file);
    const errors = errorsOf(await readCatalogFile(file));
    assert.deepEqual(errors.map((e) => e.kind), ['missingSheet']);
    assert.match(errors[0].message, new RegExp(MAP_SHEET));
  });

  describe('round trip', () => {
    /** The seed plus values that trip naive writers: leading zeros, formulas, quotes, line breaks, flags off. */
    function trickySnapshot(): CatalogSnapshot {
      const snapshot = loadSeedCatalog();
      const [first, second, third] = snapshot.themes;
      first.suomiFiCode = '000123';
      first.description.fi = 'Rivi 1\nRivi 2, "lainaus"; ja puolipiste';
      second.name.en = '=SUM(A1:A2)';
      second.heldByOrganisation = false;
      third.active = false;
      third.description.sv = '';
      snapshot.map[0].why.en = '1.5';
      return snapshot;
    }

    for (const ext of ['xlsx', 'csv'] as const) {
      it(`exports and imports a .${ext} without losing anything`, async () => {
        const snapshot = trickySnapshot();
        const file = path.join(dir, `roundtrip.${ext}`);
        const written = await writeCatalogFile(snapshot, file);
        assert.equal(written.length, ext === 'csv' ? 2 : 1);
        const result = await readCatalogFile(file);
        assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.errors));
        assert.deepEqual(result.snapshot, snapshot);
      });
    }

    it('writes held_by_organisation and active as yes/no', async () => {
      const file = path.join(dir, 'flags.csv');
      await writeCatalogFile(trickySnapshot(), file);
      const records = parseCsv(fs.readFileSync(csvPaths(file).themes, 'utf8')).map((r) => r.cells);
      const header = records[0];
      const cells = records[2];
      // Cells are read by header position: the later optional columns (eservice_sv … instructions_url) follow.
      assert.equal(cells.length, header.length, cells.join('|'));
      assert.deepEqual([cells[header.indexOf('held_by_organisation')], cells[header.indexOf('active')]], ['no', 'yes']);
      assert.equal(cells[header.indexOf('mandate_type')], 'asiointivaltuus');
      const third = records[3];
      assert.deepEqual([third[header.indexOf('held_by_organisation')], third[header.indexOf('active')]], ['yes', 'no']);
    });

    it('writes and reads back the per-theme extras (valtuustyyppi, tarkenne, instructions link, sv/en e-service names)', async () => {
      const snapshot = trickySnapshot();
      snapshot.themes[0] = { ...snapshot.themes[0], eserviceSv: 'Inkomstregistret', eserviceEn: 'Incomes Register',
        mandateType: 'edustajanValtuutusoikeus', specifier: 'TYPO', instructionsUrl: 'https://www.te-palvelut.fi/valtuuttamisohje' };
      for (const name of ['extras.csv', 'extras.xlsx']) {
        const file = path.join(dir, name);
        await writeCatalogFile(snapshot, file);
        const back = await readCatalogFile(file);
        assert.ok(back.ok, JSON.stringify(!back.ok && back.errors));
        assert.deepEqual(back.snapshot.themes[0], snapshot.themes[0], name);
      }
    });

    it('imports a workbook without the extra columns (exported before they existed) as asiointivaltuus without tarkenne', async () => {
      const errorsOrSnapshot = await readCatalogFile(csvCatalog([THEME_HEADER, GOOD_THEME], [MAP_HEADER, GOOD_MAP]));
      assert.ok(errorsOrSnapshot.ok);
      const theme = errorsOrSnapshot.snapshot.themes[0];
      assert.equal(theme.mandateType, undefined);
      assert.equal(theme.specifier, undefined);
    });

    it('refuses an unknown valtuustyyppi and a non-https instructions link, with row numbers', async () => {
      const header = `${THEME_HEADER},mandate_type,instructions_url`;
      const errors = errorsOf(await readCatalogFile(csvCatalog(
        [header, `${GOOD_THEME},Edustajan valtuutusoikeus,https://example.fi/ohje`, `toinen,Toinen,Annan,Other,X,,,,,no,yes,superfullmakt,`,
          `kolmas,Kolmas,Tredje,Third,X,,,,,no,yes,,javascript:alert(1)`],
        [MAP_HEADER, GOOD_MAP])));
      assert.deepEqual(brief(errors), [['unknownMandateType', 3, 'mandate_type'], ['badUrl', 4, 'instructions_url']]);
    });
  });

  describe('seed', () => {
    const seed = loadSeedCatalog();

    it('shows every theme text in the reader\'s language: no English fragments in fi/sv, no brackets in e-service names, Swedish e-service names', () => {
      const ENGLISH = /\b(and|e\.g\.|possible|employer|used by|only|not|returns)\b/;
      for (const t of seed.themes) {
        const sv = eserviceIn(t, 'sv');
        for (const [what, value] of [['name.fi', t.name.fi], ['name.sv', t.name.sv], ['eservice fi', t.eservice], ['eservice sv', sv]] as const) {
          assert.ok(!ENGLISH.test(value), `${t.id} ${what} has English in it: ${value}`);
        }
        for (const value of [t.eservice, sv, eserviceIn(t, 'en')]) assert.ok(!/[()]/.test(value), `${t.id}: brackets in the e-service name "${value}" nest on cards`);
        assert.ok(t.description.sv.includes(sv), `${t.id}: the Swedish description names the Swedish e-service`);
      }
      assert.ok(seed.themes.filter((t) => eserviceIn(t, 'sv') !== t.eservice).length > 40, 'Swedish e-service names are given');
    });

    it('carries the per-theme extras the grant guide needs (valtuustyyppi, tarkenne, instructions)', () => {
      const byId = new Map(seed.themes.map((t) => [t.id, t]));
      assert.equal(byId.get('lupa-ja-valvonta-kokonaisuuksien-viranomaiskasittely')?.mandateType, 'edustajanValtuutusoikeus');
      assert.equal(byId.get('tyollisyyden-ympariston-elinkeinotoiminnan-ja-liikenteen-val')?.specifier, 'TYPO');
      assert.match(byId.get('tyollisyyden-ympariston-elinkeinotoiminnan-ja-liikenteen-val')?.instructionsUrl ?? '', /^https:\/\//);
      assert.equal(mandateTypeOf(byId.get('veroasioiden-hoito')), 'asiointivaltuus');
    });

    it('loads the 44 themes with names in fi, sv and en', () => {
      assert.equal(seed.themes.length, 44);
      for (const t of seed.themes) {
        assert.ok(t.name.fi && t.name.sv && t.name.en, `${t.id} has every name`);
        assert.ok(t.description.fi.includes(t.eservice), `${t.id} description names the e-service`);
      }
      assert.ok(seed.themes.some((t) => !t.heldByOrganisation), 'some themes exercise path 2');
    });

    it('loads every map row with a known theme and reasons in fi, sv and en', () => {
      const ids = new Set(seed.themes.map((t) => t.id));
      assert.equal(seed.map.length, 30);
      for (const r of seed.map) {
        assert.ok(ids.has(r.themeId), `${r.scope} → ${r.themeId} resolves`);
        assert.ok(r.why.fi && r.why.sv && r.why.en, `${r.scope} → ${r.themeId} has reasons`);
      }
      assert.ok(seed.map.some((r) => r.why.fi.includes(',')), 'quoted commas survive the CSV parser');
    });
  });
});
