import assert from 'node:assert/strict';
import { EXPIRING_WITHIN_DAYS, isInForce, registerState } from '../../bot/domain/register';

describe('register: the state of an entry (domain/register)', () => {
  const entry = { validFrom: '2026-01-01', validUntil: '2026-12-31' };

  it('is active inside its validity, expiring in its last 30 days (both ends included), expired after', () => {
    assert.equal(EXPIRING_WITHIN_DAYS, 30);
    assert.equal(registerState(entry, '2026-06-01'), 'active');
    assert.equal(registerState(entry, '2026-11-30'), 'active', '31 days before the end');
    assert.equal(registerState(entry, '2026-12-01'), 'expiring', '30 days before the end');
    assert.equal(registerState(entry, '2026-12-31'), 'expiring', 'valid on its last day');
    assert.equal(registerState(entry, '2027-01-01'), 'expired');
  });

  it('is upcoming before it starts and revoked whatever the dates once revoked', () => {
    assert.equal(registerState(entry, '2025-12-31'), 'upcoming');
    assert.equal(registerState({ ...entry, revokedAt: '2026-03-01T10:00:00Z' }, '2026-06-01'), 'revoked');
  });

  it('is in force only while active or expiring', () => {
    assert.deepEqual(['2025-12-31', '2026-06-01', '2026-12-31', '2027-01-01'].map((d) => isInForce(entry, d)), [false, true, true, false]);
    assert.equal(isInForce({ ...entry, revokedAt: '2026-03-01T10:00:00Z' }, '2026-06-01'), false);
  });
});
