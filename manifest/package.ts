/**
 * CLI: `node dist/manifest/package.js` (npm run package) writes build/valtuusbotti-teams-app.zip for
 * Teams admin center. Settings come from the environment, or from `.env` in the project root when it
 * exists (real environment variables win). A bad setting prints its message and exits with status 1.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildManifest, manifestWarnings, packageApp, projectRoot } from './build';

export const PACKAGE_FILE = path.join('build', 'valtuusbotti-teams-app.zip');

async function main(): Promise<number> {
  const root = projectRoot();
  const envFile = path.join(root, '.env');
  if (fs.existsSync(envFile)) process.loadEnvFile(envFile);
  const outFile = path.join(root, PACKAGE_FILE);
  try {
    const entries = await packageApp(process.env, outFile);
    const { manifest } = buildManifest(process.env);
    console.log(`Wrote ${outFile}`);
    console.log(`  entries: ${entries.join(', ')}`);
    console.log(`  app id ${String(manifest.id)}, version ${String(manifest.version)}, manifest ${String(manifest.manifestVersion)}, bot domain ${JSON.stringify(manifest.validDomains)}`);
    for (const warning of manifestWarnings(process.env)) console.warn(`Note: ${warning}`);
    console.log('Upload it in Teams admin center → Teams apps → Manage apps → Upload new app (see docs/DEPLOY.md).');
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
