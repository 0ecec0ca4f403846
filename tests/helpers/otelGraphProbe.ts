/**
 * Run as a child process by tests/integration/telemetry.test.ts: starts Azure Monitor as bot/index.ts does (before
 * the Graph client is loaded), looks a person up through the app's GraphDirectory against the local Graph fake
 * (by object id, then by address: a `$filter` query), and flushes before it exits.
 * Env: APPLICATIONINSIGHTS_CONNECTION_STRING, GRAPH_BASE_URL, PROBE_USER_ID, PROBE_ADDRESS.
 */
import { startAzureMonitor } from '../../bot/otel';

async function main(): Promise<void> {
  const telemetry = startAzureMonitor(process.env.APPLICATIONINSIGHTS_CONNECTION_STRING ?? '');
  // Loaded after the instrumentations are in place, as bot/index.ts loads the app.
  const { GraphDirectory } = require('../../graph/graphDirectory') as typeof import('../../graph/graphDirectory');
  const { FakeTokenCredential, FAKE_GROUP_IDS } = require('./fakeGraph') as typeof import('./fakeGraph');
  const directory = new GraphDirectory({ credential: new FakeTokenCredential(), groupIds: FAKE_GROUP_IDS, baseUrl: process.env.GRAPH_BASE_URL });
  const byId = await directory.getUser(process.env.PROBE_USER_ID ?? '');
  const byAddress = await directory.findByAddress(process.env.PROBE_ADDRESS ?? '');
  if (!byId || byAddress.length !== 1) throw new Error('the fake did not answer as expected');
  await telemetry.shutdown();
}

main().then(() => process.exit(0), (err: unknown) => { console.error(err); process.exit(1); });
