import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { checkImports, layerOf, readImports, RULES, type ImportEdge } from '../helpers/importGraph';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Every .ts source of the product (not tests), relative to the repository root. */
function productSources(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel.split(path.sep).join('/'));
    }
  };
  for (const dir of ['bot', 'cards', 'graph', 'infra', 'manifest', 'web']) if (fs.existsSync(path.join(ROOT, dir))) walk(dir);
  return out;
}

describe('import graph: the arrows between layers (docs/ARCHITECTURE.md)', () => {
  const files = productSources();
  const edges = files.flatMap((f) => readImports(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));

  it('reads the whole product (a broken reader would pass by seeing nothing)', () => {
    assert.ok(files.length > 80, `only ${files.length} files found`);
    assert.ok(edges.length > 400, `only ${edges.length} imports found`);
    // Each layer the rules name exists, so a renamed folder cannot silently drop out of the check.
    for (const layer of ['domain', 'store', 'services', 'presenters', 'handlers', 'notify', 'cards', 'app', 'main'] as const) {
      assert.ok(files.some((f) => layerOf(f) === layer), `no file in layer ${layer}`);
    }
  });

  it('every product file belongs to a layer with rules', () => {
    const unknown = files.filter((f) => layerOf(f) === undefined);
    assert.deepEqual(unknown, []);
  });

  it('no import runs against the allowed arrows', () => {
    const violations = checkImports(edges);
    assert.deepEqual(violations.map((v) => `${v.from}: ${v.reason}`), []);
  });

  it('the checker catches what the issue names: notify → handlers, domain → an SDK, services → handlers, handlers → store, main → infra/local', () => {
    const planted: ImportEdge[] = [
      ...readImports('bot/notify/x.ts', "import { showMenu } from '../handlers/menu';"),
      ...readImports('bot/domain/x.ts', "import { TableClient } from '@azure/data-tables';"),
      ...readImports('bot/domain/x.ts', "import fs from 'node:fs';"),
      ...readImports('bot/services/x.ts', "const h = await import('../handlers/admin');"),
      ...readImports('bot/handlers/x.ts', "import type { OrderStore } from '../store/orderStore';"),
      ...readImports('bot/main.ts', "export { startAzurite } from '../infra/local/azurite';"),
      ...readImports('bot/presenters/x.ts', "import { TableOrderStore } from '../store/orderStore';"),
      ...readImports('bot/notify/x.ts', "import type { TableClient } from '@azure/data-tables';"),
    ];
    assert.equal(planted.length, 8);
    assert.equal(checkImports(planted).length, 8, JSON.stringify(checkImports(planted)));
    // …and lets the allowed ones through (a type-only store import in a presenter is allowed).
    const fine = [
      ...readImports('bot/presenters/x.ts', "import type { UserStore } from '../store/userStore';"),
      ...readImports('bot/handlers/x.ts', "import { claimOrder } from '../services/claimOrder';"),
      ...readImports('bot/domain/x.ts', "import Holidays from 'date-holidays';"),
      ...readImports('bot/notify/x.ts', "import type { Logger } from 'pino';"),
    ];
    assert.deepEqual(checkImports(fine), []);
  });

  it('handlers reach storage only through services (no store member of the deps is called from a handler)', () => {
    const STORE_MEMBERS = /\bdeps\.(orders|users|grants|catalogStore|installs|tables)\s*\.\s*[A-Za-z]/;
    const offenders = files.filter((f) => layerOf(f) === 'handlers' || layerOf(f) === 'app')
      .flatMap((f) => fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n').map((line, i) => ({ f, line, i })))
      .filter(({ line }) => STORE_MEMBERS.test(line)).map(({ f, i, line }) => `${f}:${i + 1}: ${line.trim()}`);
    assert.deepEqual(offenders, []);
    assert.ok(STORE_MEMBERS.test('await deps.orders.get(id)') && !STORE_MEMBERS.test('await findOrder(deps, id)'));
  });

  it('the rules name only layers that exist', () => {
    for (const [layer, rule] of Object.entries(RULES)) {
      for (const target of [...rule.layers, ...(rule.typeOnly ?? [])]) assert.ok(target in RULES, `${layer} → unknown layer ${target}`);
    }
    assert.ok(ts.version, 'the TypeScript parser is available');
  });
});
