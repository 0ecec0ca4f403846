import path from 'node:path';
import { DefaultAzureCredential } from '@azure/identity';
import { Tables, type TableAccess } from '../store/tables';
import { azuriteConnectionString, startAzurite } from '../../infra/local/azurite';
import { waitForPort } from '../../infra/local/ports';

const LOCAL_AZURITE_PORT = 10002;

/**
 * The app's tables for a command-line tool, configured like the app: AZURE_TABLES_CONNECTION_STRING, else
 * AZURE_TABLES_ACCOUNT_URL (signed-in Entra identity), else the local Azurite of `npm start` on AZURITE_PORT —
 * started on disk (.data/azurite) for the duration of the command when nothing answers there.
 */
export async function openTables(env: NodeJS.ProcessEnv, root: string, out: (line: string) => void):
  Promise<{ tables: Tables; stop: () => Promise<void> }> {
  const setting = (name: string): string | undefined => env[name]?.trim() || undefined;
  const prefix = setting('TABLE_PREFIX') ?? '';
  const connectionString = setting('AZURE_TABLES_CONNECTION_STRING');
  const accountUrl = setting('AZURE_TABLES_ACCOUNT_URL');
  let access: TableAccess;
  let stop = async (): Promise<void> => undefined;
  if (connectionString) {
    access = { kind: 'connectionString', connectionString };
  } else if (accountUrl) {
    access = { kind: 'accountUrl', url: accountUrl, credential: new DefaultAzureCredential() };
  } else {
    const port = Number(setting('AZURITE_PORT') ?? LOCAL_AZURITE_PORT);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`AZURITE_PORT="${setting('AZURITE_PORT')}" is not a port number`);
    if (await answers(port)) {
      access = { kind: 'connectionString', connectionString: azuriteConnectionString(port) };
    } else {
      const location = path.join(path.resolve(root, setting('LOCAL_DATA_DIR') ?? '.data'), 'azurite');
      out(`Starting local Azurite on 127.0.0.1:${port} (data in ${location}) for this command…`);
      const azurite = await startAzurite({ port, location });
      access = { kind: 'connectionString', connectionString: azurite.connectionString };
      stop = azurite.stop;
    }
  }
  return { tables: new Tables(access, prefix), stop };
}

async function answers(port: number): Promise<boolean> {
  try {
    await waitForPort(port, '127.0.0.1', 0);
    return true;
  } catch {
    return false;
  }
}
