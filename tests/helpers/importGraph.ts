/**
 * The allowed arrows between the product's layers, and a checker that reads a file's imports with the TypeScript
 * parser (static imports, `export … from`, `import()` and `require()`, type-only or not). docs/ARCHITECTURE.md
 * explains the layers; this table is what the import-graph test enforces.
 */
import path from 'node:path';
import ts from 'typescript';

export type Layer =
  | 'domain' | 'i18n' | 'store' | 'security' | 'services' | 'presenters' | 'cards' | 'handlers' | 'notify'
  | 'catalog' | 'templates' | 'http' | 'server' | 'app' | 'config' | 'platform' | 'main' | 'entry' | 'cli'
  | 'graph' | 'infraLocal' | 'infraAzure' | 'manifest' | 'web';

interface Rule {
  /** Layers this one may import (values and types). */
  layers: Layer[];
  /** Layers this one may import types from only (`import type`), e.g. a presenter naming a store's interface. */
  typeOnly?: Layer[];
  /** npm packages (and node: builtins) it may import; '*' = any. */
  packages: string[] | '*';
}

/** Cross-cutting technical helpers every layer above the domain may use. */
const PLATFORM: Layer[] = ['platform', 'config'];

export const RULES: Record<Layer, Rule> = {
  // Pure: no SDK, no I/O. Language codes and localized-text types are the only thing it takes from i18n.
  domain: { layers: ['domain', 'i18n'], packages: ['date-holidays'] },
  i18n: { layers: ['i18n'], packages: [] },
  // The only layer that knows tables, OData, ETags and row formats.
  store: { layers: ['store', 'domain', 'i18n'], packages: ['@azure/data-tables', '@azure/core-auth', '@azure/core-rest-pipeline', 'botbuilder'] },
  security: { layers: ['security', 'domain'], packages: ['node:crypto'] },
  // Use cases: load → decide (domain) → write (store). Never a handler, a presenter or a card.
  services: { layers: ['services', 'domain', 'store', 'security', 'graph', 'i18n', ...PLATFORM], packages: ['node:crypto', 'pino'] },
  // What a card or a message shows: view models, names, the recipient's language.
  presenters: { layers: ['presenters', 'domain', 'i18n', 'cards', 'graph'], typeOnly: ['store'], packages: [] },
  cards: { layers: ['cards', 'domain', 'i18n'], packages: [] },
  // Parsing and presenting: card data in, services called, presenters/cards out. Never storage.
  handlers: { layers: ['handlers', 'services', 'presenters', 'domain', 'i18n', 'cards', 'templates', 'graph', 'security', ...PLATFORM],
    packages: ['node:crypto', 'botbuilder', '@microsoft/teams-ai', 'pino'] },
  // Delivery: the outbox dispatcher, the connector, background watches. Never a handler.
  notify: { layers: ['notify', 'presenters', 'services', 'store', 'domain', 'i18n', 'cards', 'graph', ...PLATFORM],
    packages: ['botbuilder', 'pino', 'node:crypto', 'node:timers/promises', 'node:events'] },
  catalog: { layers: ['catalog', 'domain', 'i18n', 'store'], packages: ['exceljs', 'node:fs', 'node:fs/promises', 'node:path'] },
  templates: { layers: ['templates', 'domain', 'i18n', 'cards', 'config'], packages: ['adaptivecards-templating', 'node:fs', 'node:path'] },
  http: { layers: ['http', 'i18n'], packages: ['jose', 'node:zlib', 'node:stream', 'node:http', 'node:string_decoder', 'node:util'] },
  server: { layers: ['server', 'http', 'i18n', ...PLATFORM], packages: ['restify', 'botbuilder', 'botframework-connector', 'pino', 'node:http'] },
  app: { layers: ['app', 'handlers', 'i18n', 'cards', 'domain', ...PLATFORM], packages: ['botbuilder', '@microsoft/teams-ai'] },
  config: { layers: ['config'], packages: ['node:fs', 'node:path'] },
  platform: { layers: ['platform', 'domain', 'store', 'config'], packages: '*' },
  // The production composition root: wires everything, except the local stand-ins.
  main: { layers: ['main', 'app', 'server', 'handlers', 'services', 'presenters', 'store', 'notify', 'domain', 'security', 'catalog',
    'templates', 'graph', 'i18n', 'http', ...PLATFORM], packages: '*' },
  // The process entry in production.
  entry: { layers: ['entry', 'main', ...PLATFORM], packages: '*' },
  // Operator tools and the local launcher compose what they need, the embedded Azurite included.
  cli: { layers: ['cli', 'catalog', 'store', 'services', 'domain', 'i18n', 'security', 'infraLocal', 'graph', ...PLATFORM], packages: '*' },
  graph: { layers: ['graph'], packages: '*' },
  infraLocal: { layers: ['infraLocal', 'main', 'config', 'platform', 'store', 'domain', 'i18n'], packages: '*' },
  infraAzure: { layers: ['infraAzure', 'config'], packages: '*' },
  manifest: { layers: ['manifest', 'i18n', 'config'], packages: '*' },
  // The reports tab's page, bundled for the browser (scripts/build-web.js): the data contract's types and its two
  // browser libraries, nothing of the server (a Node import would break the bundle or ship server code to it).
  web: { layers: ['web', 'domain'], packages: ['echarts', '@microsoft/teams-js'] },
};

/** The layer of a product file (path relative to the repository root, with forward slashes). */
export function layerOf(file: string): Layer | undefined {
  const p = file.split('/');
  if (p[0] === 'cards') return 'cards';
  if (p[0] === 'graph') return 'graph';
  if (p[0] === 'manifest') return 'manifest';
  if (p[0] === 'web') return 'web';
  if (p[0] === 'infra') return p[1] === 'local' ? 'infraLocal' : p[1] === 'azure' ? 'infraAzure' : undefined;
  if (p[0] !== 'bot') return undefined;
  if (p.length > 2) {
    const dir = p[1];
    const byDir: Record<string, Layer> = { domain: 'domain', i18n: 'i18n', store: 'store', security: 'security', services: 'services',
      presenters: 'presenters', handlers: 'handlers', notify: 'notify', catalog: 'catalog', templates: 'templates', http: 'http', cli: 'cli' };
    return byDir[dir];
  }
  const byFile: Record<string, Layer> = { 'app.ts': 'app', 'server.ts': 'server', 'config.ts': 'config', 'main.ts': 'main', 'index.ts': 'entry',
    'log.ts': 'platform', 'botAdapter.ts': 'platform', 'metrics.ts': 'platform', 'otel.ts': 'platform', 'telemetry.ts': 'platform' };
  return byFile[p[1]];
}

export interface ImportEdge { from: string; specifier: string; typeOnly: boolean }

/** The imports of one source file: static, re-exports, dynamic import() and require(). */
export function readImports(file: string, source: string): ImportEdge[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: ImportEdge[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings)
        && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      out.push({ from: file, specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ from: file, specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      out.push({ from: file, specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])
      && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      out.push({ from: file, specifier: node.arguments[0].text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push({ from: file, specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The npm package (or node: builtin) an import names. */
function packageOf(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Packages only the store (and the composition roots) may name, even as types. */
const STORE_ONLY = ['@azure/data-tables'];

export interface Violation { from: string; specifier: string; reason: string }

export function checkImports(edges: readonly ImportEdge[]): Violation[] {
  const out: Violation[] = [];
  for (const e of edges) {
    const fromLayer = layerOf(e.from);
    if (!fromLayer) { out.push({ ...e, reason: `${e.from} is in no layer` }); continue; }
    const rule = RULES[fromLayer];
    if (e.specifier.startsWith('.')) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(e.from), e.specifier));
      const toLayer = layerOf(target.endsWith('.ts') ? target : `${target}.ts`) ?? layerOf(`${target}/index.ts`);
      if (!toLayer) { out.push({ ...e, reason: `${fromLayer} → ${e.specifier}: not a product layer` }); continue; }
      const allowed = rule.layers.includes(toLayer) || (e.typeOnly && (rule.typeOnly ?? []).includes(toLayer));
      if (!allowed) out.push({ ...e, reason: `${fromLayer} → ${toLayer}${e.typeOnly ? ' (type)' : ''} (${e.specifier})` });
      continue;
    }
    const pkg = packageOf(e.specifier);
    const builtin = pkg.startsWith('node:');
    if (rule.packages === '*' || rule.packages.includes(pkg)) continue;
    // Type-only imports of a package are erased; the domain refuses even those (it names no SDK at all), and the
    // storage SDK's types stay in the store (a TableClient elsewhere is storage leaking out of bot/store).
    if (e.typeOnly && fromLayer !== 'domain' && !STORE_ONLY.includes(pkg)) continue;
    out.push({ ...e, reason: `${fromLayer} → ${builtin ? 'Node built-in' : 'package'} ${pkg}` });
  }
  return out;
}
