import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../bot/config';
import { freePort } from '../../infra/local/ports';
import { testAzurite, uniquePrefix } from '../helpers/azurite';

/**
 * What the running bot loads: the app process is started as in production (dist/bot/index.js); once it
 * answers, it lists the packages in its require cache. Excel support belongs to the catalog command only, and
 * OpenTelemetry only to a deployment with APPLICATIONINSIGHTS_CONNECTION_STRING.
 */
describe('what starting the app loads', function () {
  this.timeout(90_000);

  it('loads neither exceljs nor OpenTelemetry (no connection string), nor restify 11\'s spdy', async () => {
    const azurite = await testAzurite();
    const port = await freePort();
    const probe = `
      require(${JSON.stringify(path.join(projectRoot(), 'dist/bot/index.js'))});
      const timer = setInterval(async () => {
        try {
          const r = await fetch('http://127.0.0.1:${port}/healthz/live');
          if (!r.ok) return;
          clearInterval(timer);
          const packages = new Set(Object.keys(require.cache).map((k) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(k)?.[1]).filter(Boolean));
          process.stdout.write('PACKAGES ' + JSON.stringify([...packages]) + '\\n', () => process.kill(process.pid, 'SIGTERM'));
        } catch { /* not listening yet */ }
      }, 100);`;
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'vb-footprint-'));
    const child = spawn(process.execPath, ['-e', probe], {
      cwd,
      env: { PATH: process.env.PATH ?? '', AZURE_TABLES_CONNECTION_STRING: azurite.connectionString, TABLE_PREFIX: uniquePrefix('foot'),
        PORT: String(port), LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { out += c.toString(); });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const line = /PACKAGES (.*)/.exec(out)?.[1];
    assert.ok(line, `the app did not come up (exit ${code}):\n${out.slice(-2000)}`);
    const packages = JSON.parse(line) as string[];
    assert.ok(packages.includes('restify') && packages.includes('botbuilder'), `the probe sees the app's packages: ${packages.join(', ')}`);
    for (const absent of ['exceljs', 'spdy', '@azure/monitor-opentelemetry', '@opentelemetry/api', '@opentelemetry/sdk-node']) {
      assert.ok(!packages.includes(absent), `${absent} was loaded`);
    }
    assert.equal(code, 0, 'SIGTERM ends it cleanly');
  });
});
