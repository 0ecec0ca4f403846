/**
 * Teams single sign-on for the reports tab: the page asks Teams for a token (teams-js `authentication.getAuthToken`)
 * and sends it as `Authorization: Bearer …`; this checks it with jose — the signature against the tenant's published
 * keys (RS256 only), the issuer (the tenant, v1 or v2 endpoint), the audience (the app), the expiry, and the tenant
 * claim — and names the user by their object id (`oid`).
 */
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';

/** What the verifier trusts (bot/config.ts `SsoConfig`). */
export interface SsoSettings {
  tenantId: string;
  jwksUrl: string;
  issuers: string[];
  audiences: string[];
}

export type SsoResult =
  | { kind: 'user'; userId: string }
  /** No bearer token, or one that fails a check: the caller answers 401. */
  | { kind: 'missing' | 'invalid' }
  /** The keys could not be fetched: our outage, not the caller's fault (503). */
  | { kind: 'unavailable' };

/** Clock skew allowed on `exp` and `nbf`: Teams caches a token until shortly before it expires. */
const CLOCK_TOLERANCE_S = 120;
/** A token longer than this is not a Teams token (they are ~2 KB); refused before any parsing. */
const MAX_TOKEN_LENGTH = 16_384;

export type SsoVerifier = (authorization: string | undefined) => Promise<SsoResult>;

export function teamsSsoVerifier(settings: SsoSettings): SsoVerifier {
  // Keys are cached by jose and fetched again when a token names a key id it has not seen (rotation).
  const keys = createRemoteJWKSet(new URL(settings.jwksUrl));
  return async (authorization) => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
    if (!token) return { kind: 'missing' };
    if (token.length > MAX_TOKEN_LENGTH) return { kind: 'invalid' };
    try {
      const { payload } = await jwtVerify(token, keys, {
        algorithms: ['RS256'], issuer: settings.issuers, audience: settings.audiences, clockTolerance: CLOCK_TOLERANCE_S, requiredClaims: ['exp', 'oid', 'tid'],
      });
      if (payload.tid !== settings.tenantId || typeof payload.oid !== 'string' || !payload.oid) return { kind: 'invalid' };
      return { kind: 'user', userId: payload.oid };
    } catch (err) {
      if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || !(err instanceof errors.JOSEError)) return { kind: 'unavailable' };
      return { kind: 'invalid' };
    }
  };
}
