/**
 * The app's identity towards Microsoft Graph, chosen from the settings: an app registration with a client
 * secret or a certificate, else a managed identity (DefaultAzureCredential when no client id is given,
 * which also covers `az login` on a developer machine). A setting that cannot work fails here, at start,
 * with the name of the environment variable to fix; no secret value is ever part of a message.
 */
import fs from 'node:fs';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';

export interface GraphCredentialOptions {
  /** GRAPH_TENANT_ID: the Entra tenant of the app registration. */
  tenantId: string;
  /** GRAPH_CLIENT_ID: the app registration's client id; needs a secret or a certificate. */
  clientId?: string;
  /** GRAPH_CLIENT_SECRET. */
  clientSecret?: string;
  /** GRAPH_CERTIFICATE_PATH: a PEM file holding the certificate and its private key. */
  certificatePath?: string;
  /** The client id of a user-assigned managed identity; omitted = system-assigned or developer login. */
  managedIdentityClientId?: string;
}

export function graphCredential(opts: GraphCredentialOptions): TokenCredential {
  // An empty environment variable means "not set".
  const tenantId = present(opts.tenantId);
  const clientId = present(opts.clientId);
  const clientSecret = present(opts.clientSecret) ? opts.clientSecret : undefined;
  const certificatePath = present(opts.certificatePath);
  const managedIdentityClientId = present(opts.managedIdentityClientId);

  if (clientSecret && certificatePath) {
    throw new Error('Set only one of GRAPH_CLIENT_SECRET and GRAPH_CERTIFICATE_PATH for Microsoft Graph, not both.');
  }
  if (clientSecret) {
    const app = appRegistration('GRAPH_CLIENT_SECRET', tenantId, clientId);
    return new ClientSecretCredential(app.tenantId, app.clientId, clientSecret);
  }
  if (certificatePath) {
    const app = appRegistration('GRAPH_CERTIFICATE_PATH', tenantId, clientId);
    if (!fs.existsSync(certificatePath)) {
      throw new Error(`GRAPH_CERTIFICATE_PATH points to a file that does not exist: ${certificatePath}`);
    }
    return new ClientCertificateCredential(app.tenantId, app.clientId, { certificatePath });
  }
  if (clientId) {
    throw new Error(
      'GRAPH_CLIENT_ID is set but neither GRAPH_CLIENT_SECRET nor GRAPH_CERTIFICATE_PATH is: set one of them, ' +
        'or unset GRAPH_CLIENT_ID to sign in with the managed identity.',
    );
  }
  if (managedIdentityClientId) return new ManagedIdentityCredential({ clientId: managedIdentityClientId });
  return new DefaultAzureCredential(tenantId ? { tenantId } : {});
}

/** A secret or a certificate belongs to an app registration: both its tenant and client id are needed. */
function appRegistration(setting: string, tenantId?: string, clientId?: string): { tenantId: string; clientId: string } {
  if (!clientId) throw new Error(`${setting} is set but GRAPH_CLIENT_ID is not: set the app registration's client id.`);
  if (!tenantId) throw new Error(`${setting} is set but GRAPH_TENANT_ID is not: set the tenant of the app registration.`);
  return { tenantId, clientId };
}

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
