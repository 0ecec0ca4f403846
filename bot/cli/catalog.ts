import path from 'node:path';
import { diffCatalog, isEmptyDiff, type CatalogDiff } from '../catalog/diff';
import { catalogFileKind, readCatalogFile, writeCatalogFile, type CatalogFileError } from '../catalog/fileFormat';
import { loadSeedCatalog } from '../catalog/seed';
import type { MapRow, Theme } from '../domain/catalog';
import { CATALOG_TABLE, CatalogConflictError, CatalogStore } from '../store/catalogStore';
import { openTables } from './openTables';
import { runCommand } from './cliMain';

/**
 * `npm run catalog -- import <file> [--dry-run] | export <file> | seed`: administrators maintain the
 * mandate catalog and valtuuskartta as Excel/CSV, which is how they work today.
 */

const USAGE = `Usage: npm run catalog -- <command>
  import <file.xlsx|file.csv> [--dry-run]   replace the catalog with the file (dry run: only show the changes)
  export <file.xlsx|file.csv>               write the current catalog
  seed                                      store the default catalog from data/ if none is stored yet
A .csv catalog is two files: <name>.themes.csv and <name>.map.csv.
Storage: AZURE_TABLES_CONNECTION_STRING or AZURE_TABLES_ACCOUNT_URL (+ TABLE_PREFIX), else the local
Azurite on 127.0.0.1:AZURITE_PORT (default 10002), started from .data/azurite if it is not running.
Settings are read from the environment and .env.`;

/** Where output goes and which settings apply; main() passes the real process ones. */
export interface CliContext {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** Relative file names are resolved against this (npm's INIT_CWD: where the user typed the command). */
  cwd: string;
  root: string;
}

const MAX_LISTED = 40;

/** Runs one command; resolves to the process exit code (0 ok, 1 nothing changed because of a problem, 2 usage). */
export async function runCatalogCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const [command, ...rest] = argv;
  const dryRun = rest.includes('--dry-run');
  const args = rest.filter((a) => !a.startsWith('--'));
  const unknownFlags = rest.filter((a) => a.startsWith('--') && !(a === '--dry-run' && command === 'import'));
  if (command === 'help' || command === '--help') {
    ctx.out(USAGE);
    return 0;
  }
  if (!command || unknownFlags.length > 0) {
    ctx.err(unknownFlags.length > 0 ? `Unknown option ${unknownFlags.join(' ')}\n\n${USAGE}` : USAGE);
    return 2;
  }
  if ((command === 'import' || command === 'export') && (args.length !== 1 || !catalogFileKind(args[0]))) {
    ctx.err(`${command} needs one file ending in .xlsx or .csv\n\n${USAGE}`);
    return 2;
  }
  switch (command) {
    case 'import': return importCatalog(path.resolve(ctx.cwd, args[0]), dryRun, ctx);
    case 'export': return exportCatalog(path.resolve(ctx.cwd, args[0]), ctx);
    case 'seed': return seedCatalog(ctx);
    default:
      ctx.err(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

async function importCatalog(file: string, dryRun: boolean, ctx: CliContext): Promise<number> {
  const parsed = await readCatalogFile(file);
  if (!parsed.ok) {
    ctx.err(`${path.basename(file)}: ${parsed.errors.length} problem${parsed.errors.length === 1 ? '' : 's'} found:`);
    for (const e of parsed.errors.slice(0, 200)) ctx.err(`  ${describeError(e)}`);
    if (parsed.errors.length > 200) ctx.err(`  … and ${parsed.errors.length - 200} more`);
    ctx.err('Nothing was changed.');
    return 1;
  }
  return withStore(ctx, async (store) => {
    const current = await store.load();
    const diff = diffCatalog(current, parsed.snapshot);
    ctx.out(`${path.basename(file)}: ${parsed.snapshot.themes.length} themes, ${parsed.snapshot.map.length} map rows. ` +
      `Compared with the stored catalog (version ${current.version}):`);
    for (const line of describeDiff(diff)) ctx.out(line);
    if (dryRun) {
      ctx.out('Dry run: nothing was changed.');
      return 0;
    }
    if (isEmptyDiff(diff)) {
      ctx.out('The stored catalog already matches the file: nothing was changed.');
      return 0;
    }
    try {
      const version = await store.replace(parsed.snapshot, current.version);
      ctx.out(`Imported: the catalog is now version ${version}.`);
      return 0;
    } catch (err) {
      if (!(err instanceof CatalogConflictError)) throw err;
      ctx.err('Someone else changed the catalog during the import. Nothing was changed: run the import again.');
      return 1;
    }
  });
}

async function exportCatalog(file: string, ctx: CliContext): Promise<number> {
  return withStore(ctx, async (store) => {
    // Like the app at start: an empty store gets the default catalog, so the first export is a useful template.
    if (await store.seedIfEmpty(loadSeedCatalog(ctx.root))) {
      store.invalidate();
      ctx.out('The store held no catalog yet: stored the default catalog from data/ first.');
    }
    const current = await store.load();
    const written = await writeCatalogFile(current, file);
    ctx.out(`Exported catalog version ${current.version}: ${current.themes.length} themes, ${current.map.length} map rows.`);
    for (const p of written) ctx.out(`  ${p}`);
    return 0;
  });
}

async function seedCatalog(ctx: CliContext): Promise<number> {
  const seed = loadSeedCatalog(ctx.root);
  return withStore(ctx, async (store) => {
    if (await store.seedIfEmpty(seed)) {
      const { version } = await store.load();
      ctx.out(`Stored the default catalog as version ${version}: ${seed.themes.length} themes, ${seed.map.length} map rows.`);
    } else {
      const { version } = await store.load();
      ctx.out(`A catalog is already stored (version ${version}): nothing was changed.`);
    }
    return 0;
  });
}

/** Runs the work on the catalog store (storage opened as openTables says) and stops an Azurite it started. */
async function withStore(ctx: CliContext, work: (store: CatalogStore) => Promise<number>): Promise<number> {
  const { tables, stop } = await openTables(ctx.env, ctx.root, ctx.out);
  try {
    await tables.ensure([CATALOG_TABLE]);
    return await work(new CatalogStore(tables, { cacheMs: 0 }));
  } finally {
    await stop();
  }
}

function describeError(e: CatalogFileError): string {
  const where = [e.source, e.row !== undefined ? `row ${e.row}` : undefined, e.column].filter(Boolean).join(', ');
  return `${where}: ${e.message}`;
}

/** Counts and names of what an import changes, for people reading a terminal. */
export function describeDiff(diff: CatalogDiff): string[] {
  const themeName = (t: Theme): string => `${t.id} (${t.name.fi})`;
  const rowName = (r: MapRow): string => `${r.scopeType} "${r.scope}" → ${r.themeId}`;
  const lines: string[] = [];
  const section = <T, F>(title: string, d: { added: T[]; changed: Array<{ after: T; fields: F[] }>; removed: T[] }, name: (x: T) => string): void => {
    lines.push(`  ${title}: ${d.added.length} added, ${d.changed.length} changed, ${d.removed.length} removed`);
    const items = [
      ...d.added.map((x) => `    + ${name(x)}`),
      ...d.changed.map((c) => `    ~ ${name(c.after)}: ${c.fields.join(', ')}`),
      ...d.removed.map((x) => `    - ${name(x)}`),
    ];
    lines.push(...items.slice(0, MAX_LISTED));
    if (items.length > MAX_LISTED) lines.push(`    … and ${items.length - MAX_LISTED} more`);
  };
  section('Themes', diff.themes, themeName);
  section('Map rows', diff.map, rowName);
  return lines;
}

// A replacement is all-or-nothing, so the stored catalog is the old one or the new one, never a mix.
if (require.main === module) void runCommand(runCatalogCli, 'The stored catalog is the previous one or the new one in full, never a mix.');
