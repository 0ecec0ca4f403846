import assert from 'node:assert/strict';
import { mutateRecord } from '../../bot/store/mutateOrder';
import { ConcurrencyError } from '../../bot/store/orderStore';

/**
 * The ETag retry loop of system bookkeeping, on an in-memory record: a copy the caller already read saves the
 * first load, and a conflict (someone wrote since) loads afresh and applies the change again.
 */
function record() {
  const stored = { value: { n: 1, tag: '' }, etag: 'e1' };
  let loads = 0;
  const load = async () => { loads++; return { value: structuredClone(stored.value), etag: stored.etag }; };
  const save = async (m: { n: number; tag: string }, current: { etag: string }) => {
    if (current.etag !== stored.etag) throw new ConcurrencyError('r');
    stored.value = m;
    stored.etag = `e${Number(stored.etag.slice(1)) + 1}`;
    return { value: m, etag: stored.etag };
  };
  return { stored, load, save, loads: () => loads };
}

describe('mutateRecord: a change saved under the ETag it was read with', () => {
  it('starts from the copy the caller read (no load) when nobody wrote since', async () => {
    const r = record();
    const known = await r.load();
    const done = await mutateRecord(r.load, (v) => ({ ...v, tag: 'card' }), r.save, 5, known);
    assert.equal(r.loads(), 1, 'only the caller\'s own read');
    assert.deepEqual(done, { value: { n: 1, tag: 'card' }, etag: 'e2' });
  });

  it('a copy gone stale (someone wrote since) fails its save, then the record is loaded again and the change re-applied to it', async () => {
    const r = record();
    const known = await r.load();
    await r.save({ n: 2, tag: '' }, { etag: 'e1' }); // another writer
    const done = await mutateRecord(r.load, (v) => ({ ...v, tag: 'card' }), r.save, 5, known);
    assert.equal(r.loads(), 2, 'one fresh load after the conflict');
    assert.deepEqual(done, { value: { n: 2, tag: 'card' }, etag: 'e3' }, 'the other writer\'s change is kept');
  });

  it('the change is given a copy: the caller\'s record is never modified', async () => {
    const r = record();
    const known = await r.load();
    await mutateRecord(r.load, (v) => { v.tag = 'mutated in place'; return v; }, r.save, 5, known);
    assert.equal(known.value.tag, '');
  });
});
