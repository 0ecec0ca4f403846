import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '..', '..', '..', 'scripts', 'prune-dist.js');

describe('scripts/prune-dist.js (the incremental build leaves no orphan)', () => {
  it('removes compiled files whose source is gone and keeps the rest', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prune-'));
    try {
      const write = (rel: string) => { fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true }); fs.writeFileSync(path.join(root, rel), ''); };
      ['bot/kept.ts', 'dist/bot/kept.js', 'dist/bot/kept.js.map', 'dist/bot/moved.js', 'dist/bot/moved.js.map',
        'dist/tests/unit/old.test.js', 'dist/.tsbuildinfo', 'dist/data/readme.json', 'dist/web/reports/app.js', 'dist/web/reports/app.js.map'].forEach(write);
      const out = execFileSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
      assert.match(out, /removed 3 compiled file/);
      const left = (rel: string) => fs.existsSync(path.join(root, rel));
      // dist/web/ is esbuild's bundle of the reports page: it has no .ts of the same name, and stays.
      assert.deepEqual(['dist/bot/kept.js', 'dist/bot/kept.js.map', 'dist/.tsbuildinfo', 'dist/data/readme.json', 'dist/web/reports/app.js',
        'dist/web/reports/app.js.map'].filter((f) => !left(f)), []);
      assert.deepEqual(['dist/bot/moved.js', 'dist/bot/moved.js.map', 'dist/tests/unit/old.test.js'].filter(left), []);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
