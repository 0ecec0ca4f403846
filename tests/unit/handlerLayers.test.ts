import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The arrows around the chat's handlers and presenters (docs: the target architecture): handlers parse and
 * present and reach storage only through services; notify never reaches back into handlers; presenters and
 * cards only show. A wider import-graph check of every layer may replace this one; until then it guards these.
 */
const ROOT = path.resolve(__dirname, '../../..');

interface Import { from: string; to: string; typeOnly: boolean }

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

function importsOf(file: string): Import[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'(\.[^']+)'/gms)]
    .map((m) => ({ from: file, to: path.normalize(path.join(path.dirname(file), m[2])), typeOnly: Boolean(m[1]) }));
}

const importsFrom = (dir: string): Import[] => sources(dir).flatMap(importsOf);
const into = (imports: Import[], ...dirs: string[]): string[] =>
  imports.filter((i) => dirs.some((d) => i.to === d || i.to.startsWith(`${d}${path.sep}`))).map((i) => `${i.from} → ${i.to}`);

describe('layers around handlers and presenters', () => {
  it('handlers never import the store (not even its types) nor notify', () => {
    assert.deepEqual(into(importsFrom('bot/handlers'), 'bot/store', 'bot/notify'), []);
  });

  it('handlers never call a store through deps (reads and writes go through services)', () => {
    const calls = sources('bot/handlers').flatMap((file) => [...fs.readFileSync(path.join(ROOT, file), 'utf8')
      .matchAll(/deps\.(orders|users|grants|catalogStore|installs)\./g)].map((m) => `${file}: ${m[0]}`));
    assert.deepEqual(calls, []);
  });

  it('notify never imports handlers', () => {
    assert.deepEqual(into(importsFrom('bot/notify'), 'bot/handlers'), []);
  });

  it('presenters import neither handlers nor services; of notify only the dispatcher\'s delivery types', () => {
    const imports = importsFrom('bot/presenters');
    assert.deepEqual(into(imports, 'bot/handlers', 'bot/services'), []);
    // The one allowed exception: the delivery contract the notification presenter fills, as types only.
    const notify = imports.filter((i) => i.to.startsWith(`bot${path.sep}notify`));
    assert.deepEqual(notify.map((i) => [i.from, i.to, i.typeOnly]), [[path.join('bot', 'presenters', 'notifications.ts'), path.join('bot', 'notify', 'dispatcher'), true]]);
  });

  it('cards import no store, service, handler, notify or presenter', () => {
    assert.deepEqual(into(importsFrom('cards'), 'bot/store', 'bot/services', 'bot/handlers', 'bot/notify', 'bot/presenters'), []);
  });
});
