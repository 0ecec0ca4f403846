#!/usr/bin/env node
// Builds the reports tab's page (web/reports/) into dist/web/reports/: type-checks it (its own tsconfig, DOM lib),
// bundles main.ts with esbuild (minified, source map, es2020) and copies app.css. Skips everything when no input
// is newer than the bundle, so npm start's warm start stays fast. `--force` builds anyway.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const src = path.join(root, 'web', 'reports');
const out = path.join(root, 'dist', 'web', 'reports');
const bundle = path.join(out, 'app.js');

/** Everything the bundle is made of: the page's sources, the contract it imports, the pinned dependencies, this script. */
function inputs() {
  const files = fs.readdirSync(src).map((f) => path.join(src, f)).filter((f) => fs.statSync(f).isFile());
  return [...files, path.join(root, 'bot', 'domain', 'reportsContract.ts'), path.join(root, 'package-lock.json'), __filename];
}

function upToDate() {
  if (!fs.existsSync(bundle) || !fs.existsSync(path.join(out, 'app.css'))) return false;
  const built = fs.statSync(bundle).mtimeMs;
  return inputs().every((f) => !fs.existsSync(f) || fs.statSync(f).mtimeMs <= built);
}

function main() {
  if (!process.argv.includes('--force') && upToDate()) return;
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(src, 'tsconfig.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  fs.mkdirSync(out, { recursive: true });
  require('esbuild').buildSync({
    entryPoints: [path.join(src, 'main.ts')],
    outfile: bundle,
    bundle: true,
    minify: true,
    sourcemap: true,
    target: 'es2020',
    format: 'iife',
    tsconfig: path.join(src, 'tsconfig.json'),
    legalComments: 'linked',
    logLevel: 'warning',
  });
  fs.copyFileSync(path.join(src, 'app.css'), path.join(out, 'app.css'));
  const kb = Math.round(fs.statSync(bundle).size / 1024);
  process.stdout.write(`build-web: dist/web/reports/app.js (${kb} kB)\n`);
}

main();
