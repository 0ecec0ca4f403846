/**
 * The organisation's own words: the welcome, help and instructions cards are Adaptive Card templates (the JSON
 * the Adaptive Cards Designer edits) bound with adaptivecards-templating. Defaults ship in data/templates/
 * (<name>.<lang>.json); files with the same names in CARD_TEMPLATES_DIR replace them one by one. Every template
 * is checked at start, bound with sample data: a broken one is reported with its file, line and column, and the
 * default is used instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Template } from 'adaptivecards-templating';
import { plainText } from '../domain/safeText';
import type { AdaptiveCard } from '../../cards/card';
import { LANGS, type Lang } from '../i18n/lang';
import { projectRoot } from '../config';
import { parseJsonWithPosition, positionOfPath } from './jsonLocate';
import { cardShapeProblems } from './cardShape';

export const TEMPLATE_NAMES = ['welcome', 'help', 'instructions'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** What a template can bind: ${givenName}, ${name}, ${lang}, ${orgName}, ${botName}. Never personal ids. */
export interface TemplateData {
  /** The person's display name and first name, as the directory has them. */
  name: string;
  givenName: string;
  lang: Lang;
  /** The organisation's name in this language (ORG_NAME_FI/SV/EN). */
  orgName: string;
  botName: string;
}

export interface TemplateProblem { file: string; line: number; column: number; message: string }

export { TEMPLATE_SUBMIT_VERBS } from './cardShape';

/** `compiled`: the template prepared once (preparing costs ≈ 1 ms, binding a prepared one ≈ 10 µs). */
interface Loaded { file: string; template: unknown; overridden: boolean; compiled?: Template }

export class CardTemplates {
  private constructor(private readonly loaded: Map<string, Loaded>) {}

  /**
   * Loads the defaults (a broken default is a bug: it throws) and the organisation's overrides (a broken one is
   * reported and skipped). `sample` gives the data each template is test-bound with.
   */
  static load(o: { defaultsDir: string; orgDir?: string; sample: (lang: Lang) => TemplateData }): { templates: CardTemplates; problems: TemplateProblem[]; overrides: string[] } {
    const loaded = new Map<string, Loaded>();
    const problems: TemplateProblem[] = [];
    const overrides: string[] = [];
    for (const name of TEMPLATE_NAMES) {
      for (const lang of LANGS) {
        const fileName = `${name}.${lang}.json`;
        const defaultFile = path.join(o.defaultsDir, fileName);
        const def = checkTemplate(defaultFile, fs.readFileSync(defaultFile, 'utf8'), o.sample(lang));
        if ('problems' in def) throw new Error(`Shipped card template is broken: ${def.problems.map(formatProblem).join('; ')}`);
        loaded.set(`${name}.${lang}`, { file: defaultFile, template: def.template, overridden: false });
        const orgFile = o.orgDir ? path.join(o.orgDir, fileName) : undefined;
        if (!orgFile || !fs.existsSync(orgFile)) continue;
        const own = checkTemplate(orgFile, fs.readFileSync(orgFile, 'utf8'), o.sample(lang));
        if ('problems' in own) { problems.push(...own.problems); continue; }
        loaded.set(`${name}.${lang}`, { file: orgFile, template: own.template, overridden: true });
        overrides.push(orgFile);
      }
    }
    return { templates: new CardTemplates(loaded), problems, overrides };
  }

  /** The card bound with this person's data. */
  render(name: TemplateName, lang: Lang, data: TemplateData): AdaptiveCard {
    const entry = this.loaded.get(`${name}.${lang}`);
    if (!entry) throw new Error(`no card template ${name}.${lang}`);
    entry.compiled ??= new Template(entry.template);
    return bind(entry.compiled, data) as AdaptiveCard;
  }

  /** The file a card comes from (tests and the start-up log). */
  fileOf(name: TemplateName, lang: Lang): string | undefined {
    return this.loaded.get(`${name}.${lang}`)?.file;
  }
}

let shipped: CardTemplates | undefined;
/** The shipped defaults alone (when no loaded set was given, e.g. tools and tests). */
export function shippedTemplates(): CardTemplates {
  shipped ??= CardTemplates.load({ defaultsDir: defaultTemplatesDir(), sample: sampleData({ fi: 'Organisaatio', sv: 'Organisationen', en: 'The organisation' }) }).templates;
  return shipped;
}

export function defaultTemplatesDir(): string {
  return path.join(projectRoot(), 'data', 'templates');
}

/** The data every template is test-bound with at start (the names are made up). */
export function sampleData(orgName: Record<Lang, string>): (lang: Lang) => TemplateData {
  return (lang) => ({ name: 'Maija Meikäläinen', givenName: 'Maija', lang, orgName: orgName[lang], botName: 'Valtuusbotti' });
}

export function formatProblem(p: TemplateProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

/** Binds a template; the data's strings are shown as plain text (a name is text, not formatting or a link). */
function bind(template: unknown, data: TemplateData): unknown {
  const safe = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? plainText(v) : v]));
  return (template instanceof Template ? template : new Template(template)).expand({ $root: safe });
}

/** Parses, checks the template itself, binds it with sample data and checks the result as a card. */
function checkTemplate(file: string, text: string, sample: TemplateData): { template: unknown } | { problems: TemplateProblem[] } {
  const parsed = parseJsonWithPosition(text.replace(/^\uFEFF/, '')); // the Designer's "copy JSON" may carry a BOM through editors
  if ('error' in parsed) return { problems: [{ file, ...parsed.at, message: `not valid JSON: ${parsed.error}` }] };
  const at = (p: string, message: string): TemplateProblem => ({ file, ...positionOfPath(text, parsed.offsets, p), message });
  let bound: unknown;
  try {
    bound = bind(parsed.value, sample);
  } catch (err) {
    return { problems: [at('$', `the template cannot be bound: ${(err as Error).message}`)] };
  }
  // Paths of the bound card point at the same place in the file while no $data/$when changed its shape.
  const problems = cardShapeProblems(bound).map((p) => at(p.path, p.message)).sort((a, b) => a.line - b.line || a.column - b.column);
  return problems.length ? { problems } : { template: parsed.value };
}
