import fs from 'node:fs';
import path from 'node:path';
import { SCOPE_TYPES, isMandateType, themeExtras, type CatalogSnapshot, type MapRow, type ScopeType, type Theme } from '../domain/catalog';
import { Glossary } from '../domain/glossary';
import type { ScopeVariants } from '../domain/mandateMap';
import type { LocalizedText } from '../i18n/lang';
import { parseCsv } from './csv';

/**
 * The default data shipped in data/: the mandate catalog (mandate-themes.json + valtuuskartta.csv), the
 * glossary and the fi/sv scope names. Data files are not copied to dist/, so they are read from the
 * project root (the folder holding package.json), found by walking up from this file.
 */

/** The folder holding package.json, searched upwards from `start`. */
export function projectRoot(start: string = __dirname): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

/** Themes from data/mandate-themes.json and the map from data/valtuuskartta.csv; throws on bad data. */
export function loadSeedCatalog(root: string = projectRoot()): CatalogSnapshot {
  const themes = readThemes(path.join(root, 'data', 'mandate-themes.json'));
  const map = readMap(path.join(root, 'data', 'valtuuskartta.csv'), new Set(themes.map((t) => t.id)));
  return { themes, map };
}

/** The glossary from data/glossary.json. */
export function loadSeedGlossary(root: string = projectRoot()): Glossary {
  return Glossary.fromJson(readJson(path.join(root, 'data', 'glossary.json')));
}

/**
 * fi/sv names of the same scope for the mandate map: departments and service areas of the organisation
 * file (default data/sample-org.json; pass the configured DIRECTORY_FILE for another organisation) and the
 * explicit job-title list (data/title-variants.json).
 */
export function loadScopeVariants(
  root: string = projectRoot(), orgFile: string = path.join(root, 'data', 'sample-org.json'),
): ScopeVariants[] {
  const variants: ScopeVariants[] = [];
  const org = readJson(orgFile);
  const departments = isRecord(org) && Array.isArray(org.departments) ? org.departments : [];
  for (const department of departments) {
    if (!isRecord(department)) continue;
    variants.push({ scopeType: 'department', names: namesIn(department.name) });
    const areas = Array.isArray(department.serviceAreas) ? department.serviceAreas : [];
    for (const area of areas) variants.push({ scopeType: 'serviceArea', names: namesIn(area) });
  }
  const titles = readJson(path.join(root, 'data', 'title-variants.json'));
  const groups = isRecord(titles) && Array.isArray(titles.groups) ? titles.groups : [];
  for (const group of groups) {
    if (!isRecord(group) || !isScopeType(group.scopeType) || !Array.isArray(group.names)) {
      throw new Error('data/title-variants.json: each group needs a scopeType and names');
    }
    variants.push({ scopeType: group.scopeType, names: group.names.filter((n): n is string => typeof n === 'string') });
  }
  return variants.filter((v) => v.names.length > 1);
}

function readThemes(file: string): Theme[] {
  const json = readJson(file);
  const list = isRecord(json) && Array.isArray(json.themes) ? json.themes : undefined;
  if (!list) throw new Error(`${file}: expected { "themes": [...] }`);
  return list.map((value: unknown, i: number): Theme => {
    const where = `${file}: theme #${i + 1}`;
    if (!isRecord(value) || typeof value.id !== 'string' || value.id.trim() === '') throw new Error(`${where}: missing id`);
    const name = localized(value.name, `${where} (${value.id}) name`);
    // The e-service is one (Finnish) name, or { fi, sv, en } where the Swedish/English forms differ.
    const eservices = typeof value.eservice === 'string' ? { fi: value.eservice.trim(), sv: '', en: '' }
      : value.eservice === undefined ? { fi: '', sv: '', en: '' } : localized(value.eservice, `${where} (${value.id}) eservice`);
    const eservice = eservices.fi;
    if (value.mandateType !== undefined && !isMandateType(value.mandateType)) throw new Error(`${where}: unknown mandateType "${String(value.mandateType)}"`);
    const optionalText = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
    if (typeof value.availableToOrganisation !== 'boolean') throw new Error(`${where}: availableToOrganisation must be true or false`);
    return {
      id: value.id.trim(),
      name,
      eservice,
      ...themeExtras({
        eserviceSv: eservices.sv === eservice ? '' : eservices.sv,
        eserviceEn: eservices.en === eservice ? '' : eservices.en,
        mandateType: isMandateType(value.mandateType) ? value.mandateType : 'asiointivaltuus',
        specifier: optionalText(value.specifier),
        instructionsUrl: optionalText(value.instructionsUrl),
      }),
      description: value.description === undefined
        ? describeFromEservice(eservices)
        : localized(value.description, `${where} (${value.id}) description`),
      suomiFiCode: typeof value.suomiFiCode === 'string' ? value.suomiFiCode.trim() : '',
      heldByOrganisation: value.availableToOrganisation,
      active: typeof value.active === 'boolean' ? value.active : true,
    };
  });
}

/**
 * The seed has no theme descriptions, so each language gets one sentence naming the e-service where the
 * mandate is used. The e-service names stay as the data writes them (mostly Finnish agency names).
 */
function describeFromEservice(eservice: LocalizedText): LocalizedText {
  if (eservice.fi === '') return { fi: '', sv: '', en: '' };
  return {
    fi: `Valtuus asioida organisaation puolesta palvelussa: ${eservice.fi}.`,
    sv: `Fullmakt att sköta ärenden för organisationens räkning i tjänsten: ${eservice.sv || eservice.fi}.`,
    en: `Mandate to act on behalf of the organisation in the e-service: ${eservice.en || eservice.fi}.`,
  };
}

const MAP_COLUMNS = ['scope_type', 'scope', 'theme_id', 'why_fi', 'why_sv', 'why_en'] as const;

function readMap(file: string, themeIds: ReadonlySet<string>): MapRow[] {
  const [header, ...records] = parseCsv(fs.readFileSync(file, 'utf8'));
  if (!header) throw new Error(`${file}: empty file`);
  const names = header.cells.map((c) => c.trim().toLowerCase());
  const column = Object.fromEntries(MAP_COLUMNS.map((c) => {
    const index = names.indexOf(c);
    if (index < 0) throw new Error(`${file}: column "${c}" is missing`);
    return [c, index];
  })) as Record<(typeof MAP_COLUMNS)[number], number>;
  return records.map(({ rowNumber, cells }): MapRow => {
    const cell = (c: (typeof MAP_COLUMNS)[number]): string => (cells[column[c]] ?? '').trim();
    const scopeType = cell('scope_type');
    const themeId = cell('theme_id');
    if (!isScopeType(scopeType)) throw new Error(`${file} row ${rowNumber}: unknown scope_type "${scopeType}"`);
    if (!themeIds.has(themeId)) throw new Error(`${file} row ${rowNumber}: unknown theme "${themeId}"`);
    const why = { fi: cell('why_fi'), sv: cell('why_sv'), en: cell('why_en') };
    if (cell('scope') === '' || why.fi === '' || why.sv === '' || why.en === '') {
      throw new Error(`${file} row ${rowNumber}: scope and why_fi, why_sv, why_en are required`);
    }
    return { scopeType, scope: cell('scope'), themeId, why };
  });
}

function localized(value: unknown, where: string): LocalizedText {
  if (!isRecord(value) || typeof value.fi !== 'string' || typeof value.sv !== 'string' || typeof value.en !== 'string') {
    throw new Error(`${where}: needs fi, sv and en text`);
  }
  return { fi: value.fi.trim(), sv: value.sv.trim(), en: value.en.trim() };
}

function namesIn(value: unknown): string[] {
  return isRecord(value) ? Object.values(value).filter((v): v is string => typeof v === 'string' && v.trim() !== '') : [];
}

function isScopeType(value: unknown): value is ScopeType {
  return typeof value === 'string' && (SCOPE_TYPES as readonly string[]).includes(value);
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
