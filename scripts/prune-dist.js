#!/usr/bin/env node
// Removes compiled files whose TypeScript source is gone (a moved or deleted module, a renamed test): `tsc -b`
// compiles incrementally and never deletes, and mocha would still run a test whose source no longer exists.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(process.argv[2] ?? path.join(__dirname, '..'));
const dist = path.join(root, 'dist');
const OUTPUT = /\.(js|js\.map|d\.ts|d\.ts\.map)$/;
/** dist/web/ holds esbuild's bundles (scripts/build-web.js), not tsc's output: app.js has no app.ts. */
const NOT_TSC = new Set([path.join(dist, 'web')]);
let removed = 0;

function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) { if (!NOT_TSC.has(full)) walk(full); continue; }
    if (!OUTPUT.test(entry.name)) continue;
    const source = path.join(root, path.relative(dist, full)).replace(OUTPUT, '.ts');
    if (!fs.existsSync(source)) { fs.rmSync(full); removed++; }
  }
}

if (fs.existsSync(dist)) walk(dist);
if (removed) process.stdout.write(`prune-dist: removed ${removed} compiled file(s) whose source is gone\n`);
