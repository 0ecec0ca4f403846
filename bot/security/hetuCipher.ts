import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Encryption of the henkilötunnus at rest (AES-256-GCM). Tokens name their key so keys can rotate: a new
 * active key encrypts while older keys stay in the keyring to decrypt what they wrote.
 * Token: v1.<keyId>.<iv b64url, 12 bytes>.<tag b64url, 16 bytes>.<ciphertext b64url>
 * Error messages never carry the plaintext or key bytes: they end up in logs.
 */

export interface Keyring {
  activeKeyId: string;
  keys: ReadonlyMap<string, Buffer /* 32 bytes */>;
}

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

interface ParsedToken {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

function malformed(): Error {
  return new Error('HETU ciphertext is malformed');
}

/** Strict base64url: only the canonical encoding is accepted, so no two token texts decode to the same bytes. */
function decodeBase64Url(text: string): Buffer {
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.length === 0 || bytes.toString('base64url') !== text) throw malformed();
  return bytes;
}

function parseToken(token: string): ParsedToken {
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION || !KEY_ID.test(parts[1])) throw malformed();
  const [, keyId, iv, tag, ciphertext] = parts;
  const parsed = { keyId, iv: decodeBase64Url(iv), tag: decodeBase64Url(tag), ciphertext: decodeBase64Url(ciphertext) };
  if (parsed.iv.length !== IV_BYTES || parsed.tag.length !== TAG_BYTES) throw malformed();
  return parsed;
}

/** The version and key id are authenticated too, so a token cannot be relabelled. */
function associatedData(keyId: string, aad: string): Buffer {
  return Buffer.from(`${VERSION}.${keyId}.${aad}`, 'utf8');
}

export class HetuCipher {
  private readonly activeKeyId: string;
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(keyring: Keyring) {
    for (const [id, key] of keyring.keys) {
      if (!KEY_ID.test(id)) throw new Error('HETU keyring has a key id that is not [A-Za-z0-9_-]{1,32}');
      if (key.length !== KEY_BYTES) throw new Error(`HETU key '${id}' must be ${KEY_BYTES} bytes`);
    }
    if (!keyring.keys.has(keyring.activeKeyId)) throw new Error('HETU active key is not in the keyring');
    this.activeKeyId = keyring.activeKeyId;
    this.keys = new Map(keyring.keys);
  }

  /** `aad` names the owner (e.g. the order id): the token decrypts only for that same owner. */
  encrypt(plain: string, aad: string): string {
    if (plain === '') throw new RangeError('HETU plaintext is empty');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keyFor(this.activeKeyId), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(this.activeKeyId, aad));
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, this.activeKeyId, iv, tag, ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decrypt(token: string, aad: string): string {
    const { keyId, iv, tag, ciphertext } = parseToken(token);
    const decipher = createDecipheriv(ALGORITHM, this.keyFor(keyId), iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(keyId, aad));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      // node's own message is generic, but we replace it so nothing from the crypto layer can leak.
      throw new Error('HETU ciphertext failed authentication');
    }
  }

  /** The key that wrote the token; lets a rotation job find tokens still under an old key. */
  keyIdOf(token: string): string {
    return parseToken(token).keyId;
  }

  private keyFor(keyId: string): Buffer {
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`HETU key '${keyId}' is not in the keyring`);
    return key;
  }
}

/**
 * Parses "keyId1:<base64 32 bytes>,keyId2:<base64 32 bytes>". The active key is `activeKeyId` or the last
 * entry, so rotating is "append a key". Messages name the entry by position: the text of a broken entry
 * might be the key itself, so it is never echoed (a key id is echoed only once it has proved to be one).
 */
export function parseKeyring(spec: string, activeKeyId?: string): Keyring {
  const entries = spec.split(',').map((entry) => entry.trim());
  if (entries.every((entry) => entry === '')) throw new Error('HETU keyring is empty');
  const keys = new Map<string, Buffer>();
  let lastId = '';
  entries.forEach((entry, index) => {
    if (entry === '') return; // a trailing or doubled comma is a harmless typo
    const where = `HETU keyring entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) throw new Error(`${where} must be "keyId:<base64 key>"`);
    const id = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    if (!KEY_ID.test(id)) throw new Error(`${where} has a key id that is not [A-Za-z0-9_-]{1,32}`);
    if (keys.has(id)) throw new Error(`${where}: key id '${id}' is listed twice`);
    if (!BASE64.test(encoded) || Buffer.from(encoded, 'base64').length !== KEY_BYTES) {
      throw new Error(`${where} ('${id}'): the key must be ${KEY_BYTES} bytes base64`);
    }
    keys.set(id, Buffer.from(encoded, 'base64'));
    lastId = id;
  });
  if (activeKeyId === undefined) return { activeKeyId: lastId, keys };
  if (!KEY_ID.test(activeKeyId)) throw new Error('HETU active key id is not [A-Za-z0-9_-]{1,32}');
  if (!keys.has(activeKeyId)) throw new Error(`HETU active key '${activeKeyId}' is not in the keyring`);
  return { activeKeyId, keys };
}

/** A fresh "keyId:base64" keyring entry (for setup docs and the key rotation CLI). */
export function generateKeySpec(keyId: string): string {
  if (!KEY_ID.test(keyId)) throw new Error('HETU key id must match [A-Za-z0-9_-]{1,32}');
  return `${keyId}:${randomBytes(KEY_BYTES).toString('base64')}`;
}
