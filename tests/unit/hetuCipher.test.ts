import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { HetuCipher, generateKeySpec, parseKeyring, type Keyring } from '../../bot/security/hetuCipher';

const PLAIN = '010594Y9032'; // DVV test code
const ORDER = 'order-7f3a';

function keyring(activeKeyId: string, ...ids: string[]): { ring: Keyring; keys: Map<string, Buffer> } {
  const keys = new Map(ids.map((id) => [id, randomBytes(32)] as const));
  return { ring: { activeKeyId, keys }, keys };
}

/** Flips one bit in one base64url segment of a token (changing a character could hit padding bits only). */
function tamper(token: string, segment: 2 | 3 | 4): string {
  const parts = token.split('.');
  const bytes = Buffer.from(parts[segment], 'base64url');
  bytes[0] ^= 0x01;
  parts[segment] = bytes.toString('base64url');
  return parts.join('.');
}

/** Asserts that fn throws and that the message contains none of the secrets. */
function assertThrowsWithout(fn: () => unknown, secrets: string[], expected?: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof Error, 'expected an Error to be thrown');
  if (expected) assert.match(thrown.message, expected);
  for (const secret of secrets) assert.ok(!thrown.message.includes(secret), `message leaks a secret: ${thrown.message}`);
}

describe('HetuCipher', () => {
  it('decrypts what it encrypted for the same owner', () => {
    const cipher = new HetuCipher(keyring('k1', 'k1').ring);
    assert.equal(cipher.decrypt(cipher.encrypt(PLAIN, ORDER), ORDER), PLAIN);
  });

  it('writes tokens in the v1.<keyId>.<iv>.<tag>.<ciphertext> format', () => {
    const token = new HetuCipher(keyring('k1', 'k1').ring).encrypt(PLAIN, ORDER);
    const [version, keyId, iv, tag, ciphertext] = token.split('.');
    assert.equal(version, 'v1');
    assert.equal(keyId, 'k1');
    assert.equal(Buffer.from(iv, 'base64url').length, 12);
    assert.equal(Buffer.from(tag, 'base64url').length, 16);
    assert.equal(Buffer.from(ciphertext, 'base64url').length, PLAIN.length);
  });

  it('gives a different token each time for the same plaintext (random IV)', () => {
    const cipher = new HetuCipher(keyring('k1', 'k1').ring);
    const a = cipher.encrypt(PLAIN, ORDER);
    const b = cipher.encrypt(PLAIN, ORDER);
    assert.notEqual(a, b);
    assert.notEqual(a.split('.')[4], b.split('.')[4]);
  });

  it('never contains the plaintext, in clear or in base64', () => {
    const token = new HetuCipher(keyring('k1', 'k1').ring).encrypt(PLAIN, ORDER);
    assert.ok(!token.includes(PLAIN));
    assert.ok(!token.includes(Buffer.from(PLAIN).toString('base64url').slice(0, 12)));
  });

  it('refuses to decrypt a token copied to another owner (wrong aad)', () => {
    const cipher = new HetuCipher(keyring('k1', 'k1').ring);
    const token = cipher.encrypt(PLAIN, ORDER);
    assertThrowsWithout(() => cipher.decrypt(token, 'order-other'), [PLAIN], /^HETU ciphertext failed authentication$/);
  });

  for (const [segment, name] of [[2, 'IV'], [3, 'tag'], [4, 'ciphertext']] as const) {
    it(`refuses a token whose ${name} was tampered with`, () => {
      const cipher = new HetuCipher(keyring('k1', 'k1').ring);
      const token = tamper(cipher.encrypt(PLAIN, ORDER), segment);
      assertThrowsWithout(() => cipher.decrypt(token, ORDER), [PLAIN], /^HETU ciphertext failed authentication$/);
    });
  }

  it('refuses a token relabelled with another key id that is in the keyring', () => {
    const { ring } = keyring('k1', 'k1', 'k2');
    const cipher = new HetuCipher(ring);
    const relabelled = cipher.encrypt(PLAIN, ORDER).replace('v1.k1.', 'v1.k2.');
    assert.throws(() => cipher.decrypt(relabelled, ORDER), /^Error: HETU ciphertext failed authentication$/);
  });

  it('refuses a malformed token without echoing it', () => {
    const cipher = new HetuCipher(keyring('k1', 'k1').ring);
    for (const bad of ['', PLAIN, `v2.k1.${PLAIN}.a.b`, `v1.k1.${PLAIN}`]) {
      assertThrowsWithout(() => cipher.decrypt(bad, ORDER), [PLAIN], /malformed/);
    }
  });

  it('names an unknown key id without revealing anything else', () => {
    const old = new HetuCipher(keyring('gone', 'gone').ring);
    const token = old.encrypt(PLAIN, ORDER);
    const cipher = new HetuCipher(keyring('k1', 'k1').ring);
    assertThrowsWithout(() => cipher.decrypt(token, ORDER), [PLAIN], /^HETU key 'gone' is not in the keyring$/);
  });

  it('rotates keys: old tokens still decrypt while the new active key encrypts', () => {
    const { keys } = keyring('k1', 'k1');
    const k1 = new HetuCipher({ activeKeyId: 'k1', keys });
    const oldToken = k1.encrypt(PLAIN, ORDER);

    const rotated = new HetuCipher({ activeKeyId: 'k2', keys: new Map([...keys, ['k2', randomBytes(32)]]) });
    assert.equal(rotated.decrypt(oldToken, ORDER), PLAIN);
    const newToken = rotated.encrypt(PLAIN, ORDER);
    assert.equal(rotated.keyIdOf(newToken), 'k2');
    assert.equal(rotated.keyIdOf(oldToken), 'k1');
    assert.throws(() => k1.decrypt(newToken, ORDER), /HETU key 'k2' is not in the keyring/);
  });

  it('refuses a keyring whose active key is missing or whose key is not 32 bytes', () => {
    assert.throws(() => new HetuCipher({ activeKeyId: 'k2', keys: new Map([['k1', randomBytes(32)]]) }));
    assert.throws(() => new HetuCipher({ activeKeyId: 'k1', keys: new Map([['k1', randomBytes(16)]]) }));
  });
});

describe('parseKeyring', () => {
  const key1 = randomBytes(32).toString('base64');
  const key2 = randomBytes(32).toString('base64');

  it('reads keys and makes the last one active by default', () => {
    const ring = parseKeyring(`k1:${key1}, k2:${key2}`);
    assert.equal(ring.activeKeyId, 'k2');
    assert.deepEqual(ring.keys.get('k1'), Buffer.from(key1, 'base64'));
    assert.deepEqual(ring.keys.get('k2'), Buffer.from(key2, 'base64'));
  });

  it('uses the active key id when given', () => {
    assert.equal(parseKeyring(`k1:${key1},k2:${key2}`, 'k1').activeKeyId, 'k1');
  });

  it('produces a keyring HetuCipher can use across a round trip', () => {
    const cipher = new HetuCipher(parseKeyring(`k1:${key1}`));
    assert.equal(cipher.decrypt(cipher.encrypt(PLAIN, ORDER), ORDER), PLAIN);
  });

  const shortKey = randomBytes(16).toString('base64');
  const errors: Array<{ name: string; spec: string; active?: string; message: RegExp; secrets: string[] }> = [
    { name: 'an empty spec', spec: ' ', message: /empty/, secrets: [] },
    { name: 'an entry without a colon', spec: `k1:${key1},${key2}`, message: /entry 2 must be "keyId:<base64 key>"/, secrets: [key1, key2] },
    { name: 'a key of 16 bytes', spec: `k1:${shortKey}`, message: /entry 1 \('k1'\): the key must be 32 bytes base64/, secrets: [shortKey] },
    { name: 'a key that is not base64', spec: `k1:${key1.slice(0, 20)}!${key1.slice(21)}`, message: /must be 32 bytes base64/, secrets: [key1.slice(0, 20), key1.slice(21)] },
    { name: 'a bad key id', spec: `k 1:${key1}`, message: /entry 1 has a key id/, secrets: [key1] },
    { name: 'a key pasted where the id goes', spec: `${key1}:${key2}`, message: /entry 1 has a key id/, secrets: [key1, key2] },
    { name: 'a duplicate key id', spec: `k1:${key1},k1:${key2}`, message: /'k1' is listed twice/, secrets: [key1, key2] },
    { name: 'an unknown active key', spec: `k1:${key1}`, active: 'k9', message: /active key 'k9' is not in the keyring/, secrets: [key1] },
    { name: 'a key given as the active id', spec: `k1:${key1}`, active: key2, message: /active key id is not/, secrets: [key1, key2] },
  ];
  for (const { name, spec, active, message, secrets } of errors) {
    it(`refuses ${name} and never echoes key text`, () => {
      assertThrowsWithout(() => parseKeyring(spec, active), secrets, message);
    });
  }
});

describe('generateKeySpec', () => {
  it('makes a fresh 32-byte entry that parseKeyring accepts', () => {
    const a = generateKeySpec('k2026');
    const b = generateKeySpec('k2026');
    assert.notEqual(a, b);
    const ring = parseKeyring(a);
    assert.equal(ring.activeKeyId, 'k2026');
    assert.equal(ring.keys.get('k2026')?.length, 32);
  });

  it('refuses an invalid key id', () => {
    assert.throws(() => generateKeySpec('no.dots'));
  });
});
