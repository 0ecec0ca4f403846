import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { csvPaths } from '../../bot/catalog/fileFormat';
import { projectRoot } from '../../bot/catalog/seed';
import { runCatalogCli, type CliContext } from '../../bot/cli/catalog';
import { testAzurite, uniquePrefix } from '../helpers/azurite';

describe('catalog CLI (Azurite)', function () {
  this.timeout(60_000);
  let dir: string;
  let connectionString: string;

  before(async () => {
    ({ connectionString } = await testAzurite());
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-cli-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs one command against a private table prefix; returns its exit code and what it printed. */
  function cli(prefix: string) {
    return async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
      const out: string[] = [];
      const err: string[] = [];
      const ctx: CliContext = {
        out: (l) => out.push(l), err: (l) => err.push(l),
        env: { AZURE_TABLES_CONNECTION_STRING: connectionString, TABLE_PREFIX: prefix },
        cwd: dir, root: projectRoot(),
      };
      const code = await runCatalogCli(argv, ctx);
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
  }

  it('seeds, exports, shows a dry run without changing anything, then imports', async () => {
    const run = cli(uniquePrefix('cli'));
    assert.equal((await run('seed')).code, 0);
    assert.equal((await run('export', 'cat.csv')).code, 0);
    const themesFile = csvPaths(path.join(dir, 'cat.csv')).themes;
    const edited = fs.readFileSync(themesFile, 'utf8').replace('Skattedeklarering', 'Skattedeklaration')
      + 'uusi-teema,Uusi teema,Nytt ärende,New theme,Kela,,,,,ei,kyllä\r\n';
    fs.writeFileSync(themesFile, edited);

    const dry = await run('import', 'cat.csv', '--dry-run');
    assert.equal(dry.code, 0);
    assert.match(dry.out, /Themes: 1 added, 1 changed, 0 removed/);
    assert.match(dry.out, /\+ uusi-teema \(Uusi teema\)/);
    assert.match(dry.out, /~ veroilmoittaminen \(Veroilmoittaminen\): name\.sv/);
    assert.match(dry.out, /nothing was changed/);
    assert.match((await run('import', 'cat.csv', '--dry-run')).out, /version 1\)/, 'still version 1 after the dry run');

    const real = await run('import', 'cat.csv');
    assert.equal(real.code, 0);
    assert.match(real.out, /now version 2/);
    assert.match((await run('import', 'cat.csv')).out, /already matches/);
  });

  it('prints row-numbered errors, says nothing was changed and exits 1 for a bad file', async () => {
    const run = cli(uniquePrefix('cli'));
    await run('seed');
    const paths = csvPaths(path.join(dir, 'bad.csv'));
    fs.writeFileSync(paths.themes, 'id,name_fi,name_sv,eservice,held_by_organisation\r\na,A,A,X,yes\r\nb,B,B,X,ehkä\r\n');
    fs.writeFileSync(paths.map, 'scope_type,scope,theme_id,why_fi,why_sv\r\njobTitle,Rehtori,zzz,M,V\r\n');
    const result = await run('import', 'bad.csv');
    assert.equal(result.code, 1);
    assert.match(result.err, /bad\.themes\.csv, row 3, held_by_organisation/);
    assert.match(result.err, /bad\.map\.csv, row 2, theme_id: theme "zzz"/);
    assert.match(result.err, /Nothing was changed\./);
    assert.match((await run('export', 'after.xlsx')).out, /version 1: 44 themes/);
  });

  it('answers a wrong command line with the usage and exit code 2', async () => {
    const run = cli(uniquePrefix('cli'));
    assert.equal((await run('import', 'catalog.txt')).code, 2);
    assert.equal((await run('import', 'a.csv', '--force')).code, 2);
    assert.equal((await run()).code, 2);
  });
});
