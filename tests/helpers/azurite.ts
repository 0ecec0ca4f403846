import { startAzurite, type AzuriteHandle } from '../../infra/local/azurite';
import { freePort } from '../../infra/local/ports';
import { Tables } from '../../bot/store/tables';
import { TABLES } from '../../bot/store/entities';

let shared: Promise<AzuriteHandle> | undefined;

/**
 * One in-memory Azurite for the whole test run, started on a free port on first use and stopped by the
 * root hook in hooks.ts. Suites isolate themselves with a unique table prefix (uniquePrefix()).
 */
export function testAzurite(): Promise<AzuriteHandle> {
  shared ??= freePort().then((port) => startAzurite({ port }));
  return shared;
}

export async function stopTestAzurite(): Promise<void> {
  if (!shared) return;
  const handle = await shared;
  shared = undefined;
  await handle.stop();
}

let counter = 0;
/** A table-name prefix unique within this run (letters and digits only, as table names require). */
export function uniquePrefix(label = 't'): string {
  counter += 1;
  return `${label.replace(/[^A-Za-z0-9]/g, '')}${process.pid}n${counter}`;
}

/** Every table of the app under a fresh prefix on the shared Azurite: a suite's own storage. */
export async function freshStorage(label: string): Promise<{ tables: Tables; prefix: string; connectionString: string }> {
  const { connectionString } = await testAzurite();
  const prefix = uniquePrefix(label);
  const tables = new Tables({ kind: 'connectionString', connectionString }, prefix);
  await tables.ensure(TABLES);
  return { tables, prefix, connectionString };
}
