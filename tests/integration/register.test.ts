import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Workbook } from 'exceljs';
import { projectRoot } from '../../bot/catalog/seed';
import { runRegisterCli, type RegisterCliContext } from '../../bot/cli/register';
import type { Order } from '../../bot/domain/order';
import { registerGrant } from '../../bot/services/confirmGrant';
import { personGrantKey } from '../../bot/store/entities';
import { TableGrantStore, type Grant } from '../../bot/store/grantStore';
import { TableOrderStore } from '../../bot/store/orderStore';
import { GraphDirectory } from '../../graph/graphDirectory';
import { freshStorage as freshTables } from '../helpers/azurite';
import { sampleOrder } from '../helpers/cardCheck';
import { FAKE_GROUP_IDS, FakeGraph, FakeTokenCredential } from '../helpers/fakeGraph';

const AINO = { id: '6e6859e7-43aa-5410-aabe-168b8923449e', mail: 'aino.lindqvist@porvoo.example' };
const MIKKO = { id: '7b5e2561-7863-55ae-a8d6-36e54dc47c0c', mail: 'mikko.virtanen@porvoo.example' };
const NOW = new Date('2026-11-30T08:00:00.000Z');


describe('register entries with a history (Azurite)', function () {
  this.timeout(60_000);

  it('still reads a row written before entries had a history, in listFor and personView', async () => {
    const { tables } = await freshTables('regold');
    await tables.client('people').createEntity({ partitionKey: AINO.id, rowKey: personGrantKey('veroilmoittaminen'), themeId: 'veroilmoittaminen',
      themeName: 'Veroilmoittaminen', validFrom: '2026-01-01', validUntil: '2026-12-31', grantedBy: 'admin-1', orderId: 'ord-1', grantedAt: '2026-01-01T10:00:00.000Z' });
    const [entry, ...rest] = await new TableGrantStore(tables).listFor(AINO.id);
    assert.deepEqual(rest, []);
    assert.deepEqual(entry, { subjectId: AINO.id, themeId: 'veroilmoittaminen', themeName: 'Veroilmoittaminen', validFrom: '2026-01-01',
      validUntil: '2026-12-31', grantedBy: 'admin-1', orderId: 'ord-1', grantedAt: '2026-01-01T10:00:00.000Z', source: { kind: 'order', orderId: 'ord-1' } });
    const view = await new TableOrderStore(tables).personView(AINO.id);
    assert.deepEqual(view.grants.map((g) => [g.themeId, g.validUntil]), [['veroilmoittaminen', '2026-12-31']]);
  });

  it('holds two entries of one theme (a renewal) with their sources and notes', async () => {
    const { tables } = await freshTables('regtwo');
    const store = new TableGrantStore(tables);
    const first: Grant = { subjectId: AINO.id, themeId: 'veroilmoittaminen', themeName: 'Veroilmoittaminen', validFrom: '2025-03-01',
      validUntil: '2026-02-28', grantedBy: 'Kaisa Kirjaaja', orderId: '', grantedAt: NOW.toISOString(), source: { kind: 'import', file: 'r.csv', row: 2 }, note: 'vanha' };
    const renewal: Grant = { ...first, validFrom: '2026-02-28', validUntil: '2027-02-27', grantedBy: 'admin-1', orderId: 'ord-9', note: undefined,
      source: { kind: 'order', orderId: 'ord-9', orderNumber: 'VB-2026-00009' } };
    delete renewal.note;
    await store.put(renewal);
    await store.put(first);
    assert.deepEqual(await store.listFor(AINO.id), [first, renewal], 'oldest first, nothing lost');
    assert.deepEqual((await new TableOrderStore(tables).personView(AINO.id)).grants.length, 2);
    assert.deepEqual((await store.listAll()).map((g) => g.validFrom), ['2025-03-01', '2026-02-28']);
  });

  it('registerGrant is idempotent: a re-run of the same order line writes no second entry, and moves an old-format row', async () => {
    const { tables } = await freshTables('regidem');
    const store = new TableGrantStore(tables);
    const order = grantedOrder();
    // The same entry as written before this change (schema 1 key), e.g. by the first attempt before a deploy.
    await tables.client('people').createEntity({ partitionKey: order.subject.id, rowKey: personGrantKey('veroilmoittaminen'),
      themeId: 'veroilmoittaminen', themeName: 'Veroilmoittaminen', validFrom: '2026-12-01', validUntil: '2027-11-30', grantedBy: 'admin-1',
      orderId: order.id, grantedAt: '2026-11-29T10:00:00.000Z' });
    const deps = { grants: store, now: () => NOW };
    await registerGrant(deps, order, 0);
    await registerGrant(deps, order, 0);
    const entries = await store.listFor(order.subject.id);
    assert.equal(entries.length, 1);
    assert.deepEqual(entries[0].source, { kind: 'order', orderId: order.id, orderNumber: order.number });
    const keys: string[] = [];
    for await (const e of tables.client('people').listEntities({ queryOptions: { filter: `PartitionKey eq '${order.subject.id}'` } })) keys.push(e.rowKey!);
    // One entry row (the old-format row moved), beside the holder's summary row that the same transactions keep.
    assert.deepEqual(keys, ['grants', 'grant|veroilmoittaminen|2026-12-01']);
  });
});

describe('npm run register (Azurite)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'register-cli-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function cli(connectionString: string, prefix: string, extra: Partial<RegisterCliContext> = {}) {
    return async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runRegisterCli(argv, {
        out: (l) => out.push(l), err: (l) => err.push(l), cwd: dir, root: projectRoot(), now: () => NOW,
        env: { AZURE_TABLES_CONNECTION_STRING: connectionString, TABLE_PREFIX: prefix }, ...extra,
      });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
  }
  const write = (name: string, text: string): string => {
    fs.writeFileSync(path.join(dir, name), text);
    return name;
  };

  it('imports (dry run first), re-imports as unchanged, exports, and re-imports the export as unchanged', async () => {
    const { tables, prefix, connectionString } = await freshTables('regcli');
    const run = cli(connectionString, prefix);
    const file = write('rekisteri.csv', '\uFEFFTyöntekijä;Valtuusasia;Voimassa alkaen;Voimassa asti;Myöntäjä;Huomautus\r\n'
      + `${AINO.mail};Veroilmoittaminen;1.3.2026;28.2.2027;Kaisa Kirjaaja;vanha lista\r\n`
      + `${MIKKO.id};veroasioiden-hoito;2026-01-01;2026-12-31;;\r\n`);
    const store = new TableGrantStore(tables);

    const dry = await run('import', file, '--dry-run', '--lang', 'en');
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /rows 2 – added 2, unchanged 0/);
    assert.match(dry.out, /\+ row 2: Aino Lindqvist — Veroilmoittaminen \(veroilmoittaminen\), 2026-03-01–2027-02-28/);
    assert.match(dry.out, /Dry run: nothing was changed/);
    assert.deepEqual(await store.listAll(), [], 'the dry run wrote nothing');

    const real = await run('import', file);
    assert.equal(real.code, 0, real.err);
    assert.match(real.out, /Tuotu: rekisteriin lisätty merkintöjä 2/);
    const aino = await store.listFor(AINO.id);
    assert.deepEqual(aino.map((g) => [g.themeId, g.validFrom, g.validUntil, g.grantedBy, g.note, g.source]),
      [['veroilmoittaminen', '2026-03-01', '2027-02-28', 'Kaisa Kirjaaja', 'vanha lista', { kind: 'import', file: 'rekisteri.csv', row: 2 }]]);
    assert.equal((await store.listFor(MIKKO.id)).length, 1);

    const again = await run('import', file, '--lang=sv');
    assert.equal(again.code, 0);
    assert.match(again.out, /rader 2 – nya 0, oförändrade 2/);
    assert.match(again.out, /ingenting ändrades/);

    for (const name of ['export.csv', 'export.xlsx']) {
      const exported = await run('export', name, '--lang', 'en');
      assert.equal(exported.code, 0, exported.err);
      assert.match(exported.out, /Exported: entries 2/);
      const back = await run('import', name, '--lang', 'en');
      assert.equal(back.code, 0, back.err);
      assert.match(back.out, /rows 2 – added 0, unchanged 2/, name);
    }
    const csv = fs.readFileSync(path.join(dir, 'export.csv'), 'utf8');
    assert.match(csv, /^\uFEFFemployee,theme,valid from,valid until,granted by,note,state,source,recorded at\r\n/);
    assert.match(csv, new RegExp(`${AINO.id},veroilmoittaminen,2026-03-01,2027-02-28,Kaisa Kirjaaja,vanha lista,active,"import rekisteri.csv, row 2",2026-11-30T08:00:00.000Z`));
    assert.equal((await store.listAll()).length, 2);
  });

  it('reads a workbook the city keeps: Swedish headers on its first sheet, real date cells', async () => {
    const { tables, prefix, connectionString } = await freshTables('regxlsx');
    const workbook = new Workbook();
    const sheet = workbook.addWorksheet('Fullmakter');
    sheet.addRow(['Anställd', 'Fullmaktsärende', 'Giltig från', 'Giltig till', 'Beviljad av']);
    sheet.addRow([AINO.mail, 'Veroilmoittaminen', new Date(Date.UTC(2026, 2, 1)), new Date(Date.UTC(2027, 1, 28)), 'Kaisa Kirjaaja']);
    await workbook.xlsx.writeFile(path.join(dir, 'stad.xlsx'));
    const result = await cli(connectionString, prefix)('import', 'stad.xlsx', '--lang', 'sv');
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /rader 1 – nya 1, oförändrade 0/);
    assert.deepEqual((await new TableGrantStore(tables).listFor(AINO.id)).map((g) => [g.validFrom, g.validUntil, g.grantedBy]),
      [['2026-03-01', '2027-02-28', 'Kaisa Kirjaaja']]);
  });

  it('a file with errors (row 17 among them) lists them all with row numbers, exits 1 and applies nothing', async () => {
    const { tables, prefix, connectionString } = await freshTables('regbad');
    const run = cli(connectionString, prefix);
    const good = Array.from({ length: 14 }, (_, i) => `${AINO.mail},teema-${i},1.3.2026,28.2.2027`);
    const lines = ['employee,theme,valid from,valid until', `${MIKKO.mail},veroilmoittaminen,1.3.2026,28.2.2027`, ...good,
      `nobody@porvoo.example,veroilmoittaminen,31.2.2026,28.2.2027`];
    const file = write('bad.csv', lines.join('\n') + '\n');
    const result = await run('import', file, '--lang', 'en');
    assert.equal(result.code, 1);
    assert.match(result.err, /bad\.csv – problems \(16\)/);
    assert.match(result.err, /row 17, employee: no one in the directory is "nobody@porvoo\.example"/, 'the row\'s other error is found too');
    assert.match(result.err, /row 3, theme: the catalog has no theme with the id or Finnish name "teema-0"/);
    assert.match(result.err, /row 17, valid from: "31\.2\.2026" is not a date/);
    assert.match(result.err, /Nothing was changed\./);
    assert.deepEqual(await new TableGrantStore(tables).listAll(), [], 'the good row 2 was not applied either');

    const overlap = write('overlap.csv', `employee,theme,valid from,valid until\n${MIKKO.mail},veroilmoittaminen,1.3.2026,28.2.2027\n`
      + `${MIKKO.mail},veroilmoittaminen,1.6.2026,31.5.2027\n`);
    const o = await run('import', overlap, '--lang', 'fi');
    assert.equal(o.code, 1);
    assert.match(o.err, /rivi 3, voimassa alkaen: menee päällekkäin rivin 2 kanssa/);
    assert.match(o.err, /Mitään ei muutettu\./);
  });

  it('refuses a file with a henkilötunnus, saying why and never printing the code', async () => {
    const { tables, prefix, connectionString } = await freshTables('reghetu');
    const run = cli(connectionString, prefix);
    const code = '131052-308T';
    const file = write('hetu.csv', `Työntekijä,Henkilötunnus,Valtuusasia,Voimassa alkaen,Voimassa asti\n${AINO.mail},${code},veroilmoittaminen,1.3.2026,28.2.2027\n`);
    const result = await run('import', file);
    assert.equal(result.code, 1);
    assert.match(result.err, /hetu\.csv hylättiin: siinä on henkilötunnuksia/);
    assert.match(result.err, /rivi 1: sarake B on henkilötunnussarake/);
    assert.match(result.err, /rivi 2: sarakkeessa B on henkilötunnus/);
    assert.ok(!`${result.out}\n${result.err}`.includes('131052'), 'the code is never printed');
    assert.deepEqual(await new TableGrantStore(tables).listAll(), []);
  });

  it('matches people through Microsoft Graph (the real client against the fake Graph server)', async () => {
    const fake = await FakeGraph.start();
    try {
      const { tables, prefix, connectionString } = await freshTables('reggraph');
      const directory = new GraphDirectory({ credential: new FakeTokenCredential(), groupIds: FAKE_GROUP_IDS, baseUrl: fake.baseUrl, cacheTtlMs: 0 });
      const run = cli(connectionString, prefix, { directory });
      const file = write('graph.csv', `employee,theme,valid from,valid until\n${AINO.mail},veroilmoittaminen,1.3.2026,28.2.2027\n`);
      const result = await run('import', file, '--lang', 'en');
      assert.equal(result.code, 0, result.err);
      assert.match(result.out, /added 1,/);
      assert.equal(fake.requestsTo('/v1.0/users').length, 1, 'one $filter look-up');
      assert.deepEqual((await new TableGrantStore(tables).listFor(AINO.id)).map((g) => g.themeId), ['veroilmoittaminen']);
    } finally {
      await fake.close();
    }
  });

  it('answers a wrong command line with the usage and exit code 2', async () => {
    const run = cli('UseDevelopmentStorage=true', 'unused');
    assert.equal((await run('import', 'register.txt')).code, 2);
    assert.equal((await run('import', 'a.csv', '--force')).code, 2);
    assert.equal((await run('import', 'a.csv', '--lang', 'de')).code, 2);
    assert.equal((await run('export', 'a.csv', '--dry-run')).code, 2);
    assert.equal((await run()).code, 2);
  });
});

/** An order whose first line (veroilmoittaminen) an administrator confirmed as granted. */
function grantedOrder(): Order {
  const order = sampleOrder({ id: 'ord-reg-1', number: 'VB-2026-00077' });
  const line = order.lines[0];
  Object.assign(line, { themeId: 'veroilmoittaminen', themeName: 'Veroilmoittaminen', stage: 'granted', grantedFrom: '2026-12-01',
    grantedUntil: '2027-11-30', grantedBy: 'admin-1' });
  return order;
}
