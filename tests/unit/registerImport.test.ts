import assert from 'node:assert/strict';
import { FileDirectory } from '../../graph/fileDirectory';
import { loadSeedCatalog, projectRoot } from '../../bot/catalog/seed';
import { describeRegisterError } from '../../bot/cli/register';
import { periodsOverlap, samePeriod } from '../../bot/domain/register';
import { parseRegisterDate, parseRegisterRecords, type RawRecord, type RegisterFileError } from '../../bot/domain/registerFile';
import { translator, type Lang } from '../../bot/i18n';
import { applyRegisterImport, planRegisterImport } from '../../bot/services/registerImport';
import type { Grant } from '../../bot/store/grantStore';
import { loadSampleOrg } from '../helpers/fakeGraph';

/** A valid henkilötunnus (the well-known example code). */
const HETU = '131052-308T';
const AINO = { id: '6e6859e7-43aa-5410-aabe-168b8923449e', mail: 'aino.lindqvist@porvoo.example' };
const MIKKO = { id: '7b5e2561-7863-55ae-a8d6-36e54dc47c0c', mail: 'mikko.virtanen@porvoo.example' };

function records(...lines: string[][]): RawRecord[] {
  return lines.map((cells, i) => ({ rowNumber: i + 1, cells }));
}
const HEADER_FI = ['Työntekijä', 'Valtuusasia', 'Voimassa alkaen', 'Voimassa asti', 'Myöntäjä', 'Huomautus'];

describe('register file: columns, values and dates (domain/registerFile)', () => {
  it('reads Finnish, Swedish and English headers, ISO and Finnish dates, and spreadsheet date cells', () => {
    for (const header of [HEADER_FI, ['Anställd', 'Fullmaktsärende', 'Giltig från', 'Giltig till'], ['employee', 'theme', 'valid_from', 'Valid until', 'note']]) {
      const { rows, errors } = parseRegisterRecords(records(header, [AINO.mail, 'veroilmoittaminen', '1.3.2026', '2027-02-28T00:00:00.000Z']));
      assert.deepEqual(errors, [], header.join(','));
      assert.equal(rows[0].validFrom, '2026-03-01');
      assert.equal(rows[0].validUntil, '2027-02-28');
      assert.equal(rows[0].row, 2);
    }
    assert.equal(parseRegisterDate('01.03.2026'), '2026-03-01');
    assert.equal(parseRegisterDate('31.2.2026'), undefined, 'a day that does not exist');
    assert.equal(parseRegisterDate('3/1/2026'), undefined);
  });

  it('of a name column and an address column, matches people by the one holding addresses', () => {
    const { rows, errors } = parseRegisterRecords(records(['Työntekijä', 'Sähköposti', 'Valtuusasia', 'Voimassa alkaen', 'Voimassa asti'],
      ['Aino Lindqvist', AINO.mail, 'veroilmoittaminen', '1.3.2026', '28.2.2027']));
    assert.deepEqual(errors, []);
    assert.equal(rows[0].employee, AINO.mail);
  });

  it('names every missing required column on the header row and reads no rows', () => {
    const { rows, errors } = parseRegisterRecords(records(['Työntekijä', 'Huomautus'], [AINO.mail, 'x']));
    assert.deepEqual(rows, []);
    assert.deepEqual(errors.map((e) => [e.kind, e.row, e.column]),
      [['missingColumn', 1, 'theme'], ['missingColumn', 1, 'validFrom'], ['missingColumn', 1, 'validUntil']]);
  });

  it('collects every bad row: a missing value, a bad date, dates in the wrong order', () => {
    const { rows, partial, errors } = parseRegisterRecords(records(HEADER_FI,
      [AINO.mail, 'veroilmoittaminen', '1.3.2026', '28.2.2027'],
      ['', 'veroilmoittaminen', '1.3.2026', '28.2.2027'],
      [AINO.mail, 'veroilmoittaminen', 'maaliskuu', '28.2.2027'],
      [AINO.mail, 'veroilmoittaminen', '1.3.2027', '28.2.2026']));
    assert.equal(rows.length, 1);
    assert.deepEqual(errors.map((e) => [e.kind, e.row, e.column]),
      [['missingValue', 3, 'employee'], ['badDate', 4, 'validFrom'], ['reversedDates', 5, 'validUntil']]);
    assert.deepEqual(partial.map((p) => p.row), [3, 4, 5], 'their person and theme are still matched');
  });

  it('refuses a henkilötunnus column (any language) or a code in any cell, never carrying the code', () => {
    for (const header of ['Henkilötunnus', 'hetu', 'Personbeteckning', 'Personal identity code']) {
      const { rows, errors } = parseRegisterRecords(records([...HEADER_FI, header], [AINO.mail, 'veroilmoittaminen', '1.3.2026', '28.2.2027', '', '', '']));
      assert.deepEqual(rows, []);
      assert.deepEqual(errors.map((e) => [e.kind, e.row, e.detail]), [['hetuColumn', 1, 'G']], header);
    }
    const { errors } = parseRegisterRecords(records(HEADER_FI, [AINO.mail, 'veroilmoittaminen', '1.3.2026', '28.2.2027', '', `hetu ${HETU}`]));
    assert.deepEqual(errors.map((e) => [e.kind, e.row, e.detail]), [['hetuCell', 2, 'F']]);
    assert.ok(!JSON.stringify(errors).includes(HETU.slice(0, 6)));
  });
});

describe('register import: matching and overlaps (services/registerImport)', () => {
  const directory = new FileDirectory(duplicateMail(loadSampleOrg()));
  const themes = loadSeedCatalog(projectRoot()).themes;
  const now = (): Date => new Date('2026-11-30T08:00:00.000Z');

  function plan(rows: string[][], held: Grant[] = []) {
    const parsed = parseRegisterRecords(records(HEADER_FI, ...rows));
    assert.deepEqual(parsed.errors, []);
    return planRegisterImport('rekisteri.csv', parsed.rows,
      { directory, themes, now, grants: { listFor: async (id) => held.filter((g) => g.subjectId === id) } });
  }

  it('matches a person by mail, UPN (any case) or object id, and a theme by id or exact Finnish name', async () => {
    const p = await plan([
      [AINO.mail.toUpperCase(), 'Veroilmoittaminen', '1.3.2026', '28.2.2027', 'Kaisa Kirjaaja', 'vanha lista'],
      [MIKKO.id, 'veroasioiden-hoito', '2026-01-01', '2026-12-31'],
    ]);
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.added.map((a) => [a.row, a.grant.subjectId, a.grant.themeId, a.grant.themeName, a.grant.grantedBy, a.grant.note]), [
      [2, AINO.id, 'veroilmoittaminen', 'Veroilmoittaminen', 'Kaisa Kirjaaja', 'vanha lista'],
      [3, MIKKO.id, 'veroasioiden-hoito', 'Veroasioiden hoito', '', undefined],
    ]);
    assert.deepEqual(p.added[0].grant.source, { kind: 'import', file: 'rekisteri.csv', row: 2 });
    assert.equal(p.added[0].grant.grantedAt, now().toISOString());
  });

  it('reports an unknown person, an ambiguous person and an unknown theme with their rows', async () => {
    const p = await plan([
      ['nobody@porvoo.example', 'veroilmoittaminen', '1.3.2026', '28.2.2027'],
      ['shared@porvoo.example', 'veroilmoittaminen', '1.3.2026', '28.2.2027'],
      [AINO.mail, 'Verotus yleisesti', '1.3.2026', '28.2.2027'],
      ['Aino Lindqvist', 'veroilmoittaminen', '1.3.2026', '28.2.2027'],
    ]);
    assert.deepEqual(p.errors.map((e) => [e.kind, e.row, e.value]), [
      ['unknownPerson', 2, 'nobody@porvoo.example'], ['ambiguousPerson', 3, 'shared@porvoo.example'],
      ['unknownTheme', 4, 'Verotus yleisesti'], ['unknownPerson', 5, 'Aino Lindqvist'],
    ]);
    await assert.rejects(applyRegisterImport(p, { putMany: async () => assert.fail('nothing is applied') }));
  });

  it('finds overlaps in the file and with the register; an identical entry is unchanged; a renewal may start on the end day', async () => {
    const held: Grant = { subjectId: AINO.id, themeId: 'veroilmoittaminen', themeName: 'Veroilmoittaminen', validFrom: '2025-03-01',
      validUntil: '2026-02-28', grantedBy: '', orderId: 'o1', grantedAt: '2025-03-01T10:00:00.000Z' };
    const p = await plan([
      [AINO.mail, 'veroilmoittaminen', '1.3.2025', '28.2.2026'],
      [AINO.mail, 'veroilmoittaminen', '28.2.2026', '27.2.2027'],
      [AINO.mail, 'veroilmoittaminen', '1.1.2027', '31.12.2027'],
      [AINO.mail, 'veroilmoittaminen', '1.6.2025', '31.5.2026'],
      [AINO.mail, 'veroasioiden-hoito', '1.6.2026', '31.5.2027'],
      [AINO.mail, 'veroasioiden-hoito', '1.6.2024', '31.5.2025'],
    ], [held, { ...held, themeId: 'veroasioiden-hoito', validFrom: '2026-01-01', validUntil: '2026-12-31' },
      { ...held, themeId: 'veroasioiden-hoito', validFrom: '2024-01-01', validUntil: '2025-12-31', revokedAt: '2024-05-01T00:00:00Z' }]);
    assert.equal(p.unchanged, 1);
    assert.deepEqual(p.added.map((a) => a.row), [3, 7], 'row 7 lies in a revoked entry\'s old period');
    assert.deepEqual(p.errors.map((e) => [e.kind, e.row, e.otherRow, e.from]), [
      ['overlapInFile', 4, 3, undefined], ['overlapInFile', 5, 3, undefined], ['overlapWithRegister', 6, undefined, '2026-01-01'],
    ]);
    assert.ok(periodsOverlap({ validFrom: '2026-01-01', validUntil: '2026-01-01' }, { validFrom: '2026-01-01', validUntil: '2026-06-01' }));
    assert.ok(!periodsOverlap({ validFrom: '2026-01-01', validUntil: '2026-06-01' }, { validFrom: '2026-06-01', validUntil: '2026-12-01' }));
    assert.ok(samePeriod(held, { validFrom: '2025-03-01', validUntil: '2026-02-28' }));
  });

  it('an export of a register holding overlapping entries (the bot recorded an early renewal) re-imports as unchanged', async () => {
    const first: Grant = { subjectId: AINO.id, themeId: 'veroilmoittaminen', themeName: 'Veroilmoittaminen', validFrom: '2025-03-01',
      validUntil: '2026-02-28', grantedBy: '', orderId: 'o1', grantedAt: '2025-03-01T10:00:00.000Z' };
    const early = { ...first, validFrom: '2026-01-15', validUntil: '2027-01-14', orderId: 'o2' };
    const p = await plan([
      [AINO.id, 'veroilmoittaminen', '2025-03-01', '2026-02-28'],
      [AINO.id, 'veroilmoittaminen', '2026-01-15', '2027-01-14'],
      [AINO.id, 'veroilmoittaminen', '2026-02-01', '2026-03-01'],
    ], [first, early]);
    assert.equal(p.unchanged, 2);
    assert.deepEqual(p.errors.map((e) => [e.kind, e.row]), [['overlapWithRegister', 4]], 'a new row overlapping them is still an error');
  });

  it('a file that fails on row 17 lists row 17 and applies nothing', async () => {
    const good = Array.from({ length: 15 }, (_, i) => [AINO.mail, themes[i].id, '1.3.2026', '28.2.2027']);
    const parsed = parseRegisterRecords(records(HEADER_FI, ...good, [MIKKO.mail, 'ei-tällaista-teemaa', '1.3.2026', '28.2.2027']));
    const p = await planRegisterImport('r.csv', parsed.rows, { directory, themes, now, grants: { listFor: async () => [] } });
    assert.deepEqual(p.errors.map((e) => [e.kind, e.row]), [['unknownTheme', 17]]);
    let written = 0;
    await assert.rejects(applyRegisterImport(p, { putMany: async (e) => { written += e.length; } }));
    assert.equal(written, 0);
  });
});

describe('register import: messages in three languages (cli/register)', () => {
  const cases: Array<[RegisterFileError, Record<Lang, RegExp>]> = [
    [{ kind: 'unknownTheme', row: 17, column: 'theme', value: 'X' },
      { fi: /^rivi 17, valtuusasia: luettelossa ei ole valtuusasiaa.*"X"/, sv: /^rad 17, fullmaktsärende: förteckningen har inget/, en: /^row 17, theme: the catalog has no theme .*"X"/ }],
    [{ kind: 'missingColumn', row: 1, column: 'validUntil' },
      { fi: /^rivi 1: sarake "voimassa asti" puuttuu/, sv: /^rad 1: kolumnen "giltig till" saknas/, en: /^row 1: the column "valid until" is missing/ }],
    [{ kind: 'overlapInFile', row: 5, column: 'validFrom', otherRow: 3 },
      { fi: /rivin 3 kanssa/, sv: /överlappar rad 3/, en: /overlaps row 3/ }],
    [{ kind: 'hetuCell', row: 4, detail: 'F' },
      { fi: /^rivi 4: sarakkeessa F on henkilötunnus$/, sv: /^rad 4: kolumn F innehåller en personbeteckning$/, en: /^row 4: column F contains a personal identity code$/ }],
  ];
  for (const lang of ['fi', 'sv', 'en'] as const) {
    it(`says what is wrong and where in ${lang}`, () => {
      for (const [error, expected] of cases) assert.match(describeRegisterError(error, lang, translator(lang)), expected[lang]);
    });
  }
});

/** The sample organisation with one address shared by two people (a directory with a duplicate). */
function duplicateMail(org: ReturnType<typeof loadSampleOrg>): ReturnType<typeof loadSampleOrg> {
  const users = org.users.map((u, i) => (i === 2 || i === 3 ? { ...u, mail: 'shared@porvoo.example' } : u));
  return { ...org, users };
}
