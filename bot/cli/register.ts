import path from 'node:path';
import type { Directory } from '../../graph/directory';
import { FileDirectory } from '../../graph/fileDirectory';
import { GraphDirectory } from '../../graph/graphDirectory';
import { graphCredential } from '../../graph/credentials';
import { catalogFileKind } from '../catalog/fileFormat';
import { readRegisterRecords, writeRegisterTable } from '../catalog/registerFile';
import { loadSeedCatalog } from '../catalog/seed';
import type { Theme } from '../domain/catalog';
import { redactHetus } from '../domain/hetu';
import { registerState } from '../domain/register';
import {
  COLUMN_HEADERS, EXPORT_ONLY_COLUMNS, REGISTER_COLUMNS, parseRegisterRecords,
  type ExportColumn, type RegisterFileError,
} from '../domain/registerFile';
import { helsinkiDate } from '../domain/workdays';
import { isLang, translator, type Lang, type Translate } from '../i18n';
import { applyRegisterImport, planRegisterImport } from '../services/registerImport';
import { CATALOG_TABLE, CatalogStore } from '../store/catalogStore';
import { TableGrantStore, type Grant } from '../store/grantStore';
import type { Tables } from '../store/tables';
import type { CliContext } from './catalog';
import { openTables } from './openTables';
import { runCommand } from './cliMain';
import { loadConfig } from '../config';
import { TABLES } from '../store/entities';
import { TaskStore } from '../store/taskStore';
import { ReviewStore } from '../store/reviewStore';
import { DirectoryStateStore } from '../store/directoryState';
import { TableOrderStore } from '../store/orderStore';
import { StoreCatalogReader } from '../services/catalogReader';
import { runRegisterSweep } from '../services/registerSweep';
import { loadScopeVariants } from '../catalog/seed';

/**
 * `npm run register -- import <file> [--dry-run] [--lang fi|sv|en] | export <file> [--lang …]`: the register
 * the city keeps today as a spreadsheet comes in once (and again, changing nothing), and goes out for reading.
 */

const USAGE = `Usage: npm run register -- <command> [--lang fi|sv|en]
  import <file.xlsx|file.csv> [--dry-run]   add the file's entries to the register (dry run: only show them)
  export <file.xlsx|file.csv>               write every entry of the register
  sweep [--at YYYY-MM-DD]                   run today's (or that day's) register sweep now: renewal reminders,
                                            expiries, leavers and movers, reviews; the running app sends what it queues
  reindex                                   rebuild the register's summaries and indexes (end dates, theme rosters) from
                                            its entries, e.g. after restoring the people table from a backup
Columns (headers in Finnish, Swedish or English): employee (e-mail/UPN or directory object id), theme (catalog id
or exact Finnish name), valid from, valid until (2026-03-01 or 1.3.2026), granted by (optional), note (optional).
Any error (with its row number) means nothing is imported. A file with henkilötunnus is refused.
--lang: the language of the messages and of an export's headers (default fi).
Storage as for npm run catalog; people from DIRECTORY=file (DIRECTORY_FILE, default data/sample-org.json) or
DIRECTORY=graph (GRAPH_TENANT_ID, GRAPH_CLIENT_ID + GRAPH_CLIENT_SECRET or GRAPH_CERTIFICATE_PATH, GRAPH_BASE_URL).`;

/** The catalog CLI's context, plus what tests substitute: the directory (e.g. Graph on a fake) and the clock. */
export interface RegisterCliContext extends CliContext {
  directory?: Directory;
  now?: () => Date;
}

const MAX_LISTED = 200;

/** Runs one command; resolves to the exit code (0 ok, 1 nothing changed because of a problem, 2 usage). */
export async function runRegisterCli(argv: readonly string[], ctx: RegisterCliContext): Promise<number> {
  const [command, ...rest] = argv;
  const args: string[] = [];
  const unknown: string[] = [];
  let dryRun = false;
  let at: string | undefined;
  let lang: Lang = 'fi';
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--dry-run' && command === 'import') dryRun = true;
    else if ((a === '--at' || a.startsWith('--at=')) && command === 'sweep') at = a === '--at' ? rest[++i] ?? '' : a.slice('--at='.length);
    else if (a === '--lang' || a.startsWith('--lang=')) {
      const value = a === '--lang' ? rest[++i] : a.slice('--lang='.length);
      if (isLang(value)) lang = value;
      else unknown.push(`${a === '--lang' ? `--lang ${value ?? ''}` : a}`.trim());
    } else if (a.startsWith('--')) unknown.push(a);
    else args.push(a);
  }
  if (command === 'help' || command === '--help') {
    ctx.out(USAGE);
    return 0;
  }
  if (!command || unknown.length > 0) {
    ctx.err(unknown.length > 0 ? `Unknown option ${unknown.join(' ')}\n\n${USAGE}` : USAGE);
    return 2;
  }
  if (command === 'sweep') {
    if (args.length > 0) { ctx.err(`sweep takes no file\n\n${USAGE}`); return 2; }
    const when = at === undefined ? clock(ctx)() : sweepInstant(at);
    if (!when) { ctx.err(`--at "${at}" must be a date (YYYY-MM-DD)\n\n${USAGE}`); return 2; }
    return sweepRegister(when, ctx);
  }
  if (command === 'reindex') {
    if (args.length > 0) { ctx.err(`reindex takes no file\n\n${USAGE}`); return 2; }
    return withStorage(ctx, async (tables) => {
      ctx.out(translator(lang)('registerCli.reindexed', { holders: await new TableGrantStore(tables).reindex() }));
      return 0;
    });
  }
  if (command !== 'import' && command !== 'export') {
    ctx.err(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  if (args.length !== 1 || !catalogFileKind(args[0])) {
    ctx.err(`${command} needs one file ending in .xlsx or .csv\n\n${USAGE}`);
    return 2;
  }
  const file = path.resolve(ctx.cwd, args[0]);
  const tr = translator(lang);
  return command === 'import' ? importRegister(file, dryRun, lang, tr, ctx) : exportRegister(file, lang, tr, ctx);
}

async function importRegister(file: string, dryRun: boolean, lang: Lang, tr: Translate, ctx: RegisterCliContext): Promise<number> {
  const name = path.basename(file);
  const read = await readRegisterRecords(file);
  if ('errors' in read) return reportProblems(name, read.errors, lang, tr, ctx);
  const parsed = parseRegisterRecords(read.records);
  if (parsed.errors.some((e) => e.kind === 'hetuColumn' || e.kind === 'hetuCell')) {
    ctx.err(tr('registerCli.import.hetuRefused', { file: name }));
    return reportProblems(name, parsed.errors, lang, tr, ctx);
  }
  if (parsed.errors.some((e) => e.kind === 'missingColumn' || e.kind === 'empty')) return reportProblems(name, parsed.errors, lang, tr, ctx);
  return withStorage(ctx, async (tables) => {
    const grants = new TableGrantStore(tables);
    const plan = await planRegisterImport(name, parsed.rows, {
      directory: ctx.directory ?? directoryFrom(ctx), themes: await catalogThemes(tables, ctx.root), grants, now: clock(ctx),
    }, parsed.partial);
    const errors = [...parsed.errors, ...plan.errors].sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    if (errors.length > 0) return reportProblems(name, errors, lang, tr, ctx);
    const rows = parsed.rows.length;
    ctx.out(tr('registerCli.import.summary', { file: name, rows, added: plan.added.length, unchanged: plan.unchanged }));
    if (dryRun) {
      if (plan.added.length > 0) ctx.out(tr('registerCli.import.wouldAdd'));
      for (const a of plan.added.slice(0, MAX_LISTED)) {
        ctx.out(`  + ${tr('registerCli.where.row', { row: a.row })}: ${a.holderName} — ${a.grant.themeName} (${a.grant.themeId}), ${a.grant.validFrom}–${a.grant.validUntil}`);
      }
      if (plan.added.length > MAX_LISTED) ctx.out(`  ${tr('registerCli.import.more', { count: plan.added.length - MAX_LISTED })}`);
      ctx.out(tr('registerCli.import.dryRun'));
      return 0;
    }
    if (plan.added.length === 0) {
      ctx.out(tr('registerCli.import.noChange'));
      return 0;
    }
    await applyRegisterImport(plan, grants);
    ctx.out(tr('registerCli.import.done', { added: plan.added.length }));
    return 0;
  });
}

async function exportRegister(file: string, lang: Lang, tr: Translate, ctx: RegisterCliContext): Promise<number> {
  return withStorage(ctx, async (tables) => {
    const entries = await new TableGrantStore(tables).listAll();
    const today = helsinkiDate(clock(ctx)());
    const columns: ExportColumn[] = [...REGISTER_COLUMNS, ...EXPORT_ONLY_COLUMNS];
    const header = columns.map((c) => COLUMN_HEADERS[c][lang]);
    const rows = entries.map((g) => columns.map((c) => exportCell(g, c, today, tr)));
    await writeRegisterTable(file, header, rows);
    ctx.out(tr('registerCli.export.done', { count: entries.length, file }));
    return 0;
  });
}

/** `--at 2026-12-01`: noon of that day in Helsinki (the sweep looks at the Helsinki day). */
function sweepInstant(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const d = new Date(`${value}T10:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value ? undefined : d;
}

async function sweepRegister(when: Date, ctx: RegisterCliContext): Promise<number> {
  return withStorage(ctx, async (tables) => {
    await tables.ensure(TABLES);
    const config = loadConfig(ctx.env);
    const now = () => when;
    const directory = ctx.directory ?? directoryFrom(ctx);
    const catalogStore = new CatalogStore(tables, { cacheMs: 0 });
    const report = await runRegisterSweep({
      config, directory, now, kick: () => undefined,
      grants: new TableGrantStore(tables), tasks: new TaskStore(tables, { now }), reviews: new ReviewStore(tables),
      directoryState: new DirectoryStateStore(tables), orders: new TableOrderStore(tables, { now }),
      catalog: new StoreCatalogReader(catalogStore, loadScopeVariants(undefined, config.directory.kind === 'file' ? config.directory.path : undefined)),
    });
    ctx.out(`Register sweep for ${report.today}:`);
    for (const step of report.steps) {
      const counts = Object.entries(step.counts).map(([k, v]) => `${k} ${v}`).join(', ') || 'nothing to do';
      ctx.out(`  ${step.name}: ${counts} (${step.ms} ms)`);
    }
    ctx.out('The running app delivers the queued messages and cards within a few seconds.');
    return 0;
  });
}

/** One cell of an export. Free text is redacted of any henkilötunnus, as every export of the bot is. */
function exportCell(g: Grant, column: ExportColumn, today: string, tr: Translate): string {
  switch (column) {
    case 'employee': return g.subjectId;
    case 'theme': return g.themeId;
    case 'validFrom': return g.validFrom;
    case 'validUntil': return g.validUntil;
    case 'grantedBy': return redactHetus(g.grantedBy);
    case 'note': return redactHetus(g.note ?? '');
    case 'state': return tr(`registerCli.state.${registerState(g, today)}`);
    case 'source': {
      const s = g.source;
      if (!s) return '';
      if (s.kind === 'order') return tr('registerCli.source.order', { number: s.orderNumber ?? s.orderId });
      if (s.kind === 'import') return tr('registerCli.source.import', { file: s.file, row: s.row });
      return tr('registerCli.source.review');
    }
    case 'recordedAt': return g.grantedAt;
  }
}

function reportProblems(file: string, errors: readonly RegisterFileError[], lang: Lang, tr: Translate, ctx: RegisterCliContext): number {
  ctx.err(tr('registerCli.import.problems', { file, count: errors.length }));
  for (const e of errors.slice(0, MAX_LISTED)) ctx.err(`  ${describeRegisterError(e, lang, tr)}`);
  if (errors.length > MAX_LISTED) ctx.err(`  ${tr('registerCli.import.more', { count: errors.length - MAX_LISTED })}`);
  ctx.err(tr('registerCli.import.nothingChanged'));
  return 1;
}

/** "row 17, valid from: …" in the language; a henkilötunnus error names the column letter, never the value. */
export function describeRegisterError(e: RegisterFileError, lang: Lang, tr: Translate): string {
  const column = e.column ? COLUMN_HEADERS[e.column][lang] : undefined;
  const message = tr(`registerCli.error.${e.kind}`, {
    column: column ?? '', detail: e.detail ?? '', value: e.value ?? '', otherRow: e.otherRow ?? '', from: e.from ?? '', until: e.until ?? '',
  });
  if (e.row === undefined) return message;
  const where = column && e.kind !== 'missingColumn' ? tr('registerCli.where.rowColumn', { row: e.row, column }) : tr('registerCli.where.row', { row: e.row });
  return `${where}: ${message}`;
}

/** The catalog's themes; before the app has stored one, the default catalog it would store at start. */
async function catalogThemes(tables: Tables, root: string): Promise<Theme[]> {
  const stored = await new CatalogStore(tables, { cacheMs: 0 }).load();
  return stored.themes.length > 0 ? [...stored.themes] : loadSeedCatalog(root).themes;
}

/** The directory as the app's settings name it (DIRECTORY=file by default, as in local use). */
function directoryFrom(ctx: RegisterCliContext): Directory {
  const get = (name: string): string | undefined => ctx.env[name]?.trim() || undefined;
  if ((get('DIRECTORY') ?? 'file') === 'file') return FileDirectory.fromFile(get('DIRECTORY_FILE') ?? path.join(ctx.root, 'data', 'sample-org.json'));
  if (get('DIRECTORY') !== 'graph') throw new Error(`DIRECTORY="${get('DIRECTORY')}" must be "file" or "graph".`);
  const tenantId = get('GRAPH_TENANT_ID') ?? get('MICROSOFT_APP_TENANT_ID') ?? '';
  const credential = graphCredential({ tenantId, clientId: get('GRAPH_CLIENT_ID'), clientSecret: get('GRAPH_CLIENT_SECRET'),
    certificatePath: get('GRAPH_CERTIFICATE_PATH') });
  // Finding people needs no group; the port's constructor wants ids, which the import never uses.
  return new GraphDirectory({ credential, baseUrl: get('GRAPH_BASE_URL'), cacheTtlMs: 0, leaveDate: get('DIRECTORY_LEAVE_DATE') === 'true',
    groupIds: { administrators: get('ADMIN_GROUP_ID') ?? 'unused', signatories: get('SIGNATORY_GROUP_ID') ?? 'unused' } });
}

function clock(ctx: RegisterCliContext): () => Date {
  return ctx.now ?? (() => new Date());
}

/** Runs the work on the app's tables (opened as openTables says) and stops an Azurite it started. */
async function withStorage(ctx: RegisterCliContext, work: (tables: Tables) => Promise<number>): Promise<number> {
  const { tables, stop } = await openTables(ctx.env, ctx.root, ctx.out);
  try {
    await tables.ensure(['people', CATALOG_TABLE]);
    return await work(tables);
  } finally {
    await stop();
  }
}

// Entries are written one holder per transaction after every check passed; a failure here is storage's.
if (require.main === module) void runCommand(runRegisterCli, 'Entries written before the failure stay; running the same import again adds only the rest.');
