import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import type { TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/** How the app reaches Table Storage: a connection string (Azurite, keys) or an account URL + Entra credential. */
export type TableAccess =
  | { kind: 'connectionString'; connectionString: string }
  | { kind: 'accountUrl'; url: string; credential: TokenCredential };

/**
 * 3 retries at 0.3, 0.6, 1.2 s (±20 %): a storage outage surfaces within about 2 s, so the user hears "try again
 * shortly" quickly and an invoke is answered well inside Teams' 10 s (the SDK default, 0.8 s doubling, took ~6 s).
 */
const RETRY = { maxRetries: 3, retryDelayInMs: 300, maxRetryDelayInMs: 2000 };

/** Creates clients for the app's tables; every table name gets the configured prefix. */
export class Tables {
  private readonly clients = new Map<string, TableClient>();

  constructor(private readonly access: TableAccess, readonly prefix = '', private readonly tls?: { ca?: string | Buffer },
    private readonly policy?: PipelinePolicy) {}

  /** The client of one logical table ("orders", "catalog", …), cached. */
  client(logicalName: string): TableClient {
    const name = this.prefix + logicalName;
    let client = this.clients.get(name);
    if (!client) {
      client = this.access.kind === 'connectionString'
        ? TableClient.fromConnectionString(this.access.connectionString, name, this.options())
        : new TableClient(this.access.url, name, this.access.credential, this.options());
      this.clients.set(name, client);
    }
    return client;
  }

  /** Creates the tables if they are missing (idempotent). */
  async ensure(logicalNames: readonly string[]): Promise<void> {
    await Promise.all(logicalNames.map((n) => this.client(n).createTable()));
  }

  private options(): TableServiceClientOptions {
    const insecure = this.access.kind === 'connectionString' && /http:\/\/(127\.0\.0\.1|localhost)[:/]/i.test(this.access.connectionString)
      || this.access.kind === 'connectionString' && /UseDevelopmentStorage=true/i.test(this.access.connectionString)
      || this.access.kind === 'accountUrl' && /^http:\/\/(127\.0\.0\.1|localhost)[:/]/i.test(this.access.url);
    return { allowInsecureConnection: insecure, retryOptions: RETRY, ...(this.tls ? { tlsOptions: this.tls } : {}),
      ...(this.policy ? { additionalPolicies: [{ policy: this.policy, position: 'perCall' as const }] } : {}) };
  }
}

/** True when an Azure REST error is the given HTTP status (the SDK leaves `code` empty for 412). */
export function isStatus(err: unknown, status: number): boolean {
  return typeof err === 'object' && err !== null && (err as { statusCode?: number }).statusCode === status;
}
