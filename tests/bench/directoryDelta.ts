/**
 * Issue #12, "Scale": "a delta of 1,000 changed users turned into tasks ≤ 60 s" at 40,000 employees. Microsoft
 * Graph is the local fake (the real Graph client pages through it), the stores are Azurite. First the baseline
 * (every user read through the delta, the snapshot written), then 1,000 users change — half leave (disabled), half
 * move to a role whose map does not cover their themes — each holding ENTRIES_PER_PERSON register entries, and the
 * timed sweep turns them into tasks. Scenario 9 of `npm run bench`; alone:
 *   node dist/tests/bench/directoryDelta.js   (BENCH_DELTA_PEOPLE=40000 BENCH_DELTA_CHANGED=1000 BENCH_DELTA_PAGE=999)
 */
import { stopTestAzurite } from '../helpers/azurite';
import { FAKE_GROUP_IDS, FakeGraph, FakeTokenCredential, loadSampleOrg, type SampleUser } from '../helpers/fakeGraph';
import { GraphDirectory } from '../../graph/graphDirectory';
import { directorySweep } from '../../bot/services/directorySweep';
import type { SweepDeps } from '../../bot/services/registerSweep';
import type { Grant } from '../../bot/store/grantStore';
import { ENTRIES_PER_PERSON, syntheticPersonId } from './registerData';

const PEOPLE = Number(process.env.BENCH_DELTA_PEOPLE ?? 40_000);
const CHANGED = Number(process.env.BENCH_DELTA_CHANGED ?? 1_000);
const PAGE = Number(process.env.BENCH_DELTA_PAGE ?? 999);
export const TARGET_MS = 60_000;

/** What scenario 9 measured: the baseline round and the timed delta round. */
export interface DeltaTiming { people: number; changed: number; baselineMs: number; ms: number; pages: number; counts: Record<string, number> }

interface SweepApp { deps: SweepDeps & { grants: { putMany(g: readonly Grant[]): Promise<void> } }; dispatcher: { stop(): Promise<void> }; stop(): Promise<void> }

/**
 * Runs the scenario on a bot `start` gives (its own table prefix): the baseline through the delta query, then
 * `changed` people change and the timed sweep turns them into tasks.
 */
export async function timeDirectoryDelta(start: () => Promise<SweepApp>, people = PEOPLE, changedCount = CHANGED,
  log: (line: string) => void = console.log): Promise<DeltaTiming> {
  const org = loadSampleOrg();
  const template = org.users.find((u) => u.jobTitle === 'Palkanlaskija') as SampleUser;
  for (let k = 0; k < people; k++) {
    org.users.push({ ...template, id: syntheticPersonId(k), displayName: `Testi Henkilö${k}`, mail: `testi${k}@porvoo.example`, userPrincipalName: `testi${k}@porvoo.example` });
  }
  const fake = await FakeGraph.start({ org, pageSize: PAGE });
  const app = await start();
  await app.dispatcher.stop();
  try {
    const deps: SweepDeps = { ...app.deps, kick: () => undefined,
      directory: new GraphDirectory({ credential: new FakeTokenCredential(), groupIds: FAKE_GROUP_IDS, baseUrl: fake.baseUrl, cacheTtlMs: 0 }) };
    let t = Date.now();
    const baseline = await directorySweep(deps, '2026-12-01');
    const baselineMs = Date.now() - t;
    log(`  baseline directory delta: ${baseline.baseline} users through ${fake.requestsTo('/v1.0/users/delta').length} delta pages, snapshot written, in ${baselineMs} ms`);

    const themes = [...(await deps.catalog.themes()).values()].slice(0, 40);
    const changed = Array.from({ length: changedCount }, (_, i) => syntheticPersonId(Math.floor((i * people) / changedCount)));
    t = Date.now();
    const grants: Grant[] = changed.flatMap((id, i) => Array.from({ length: ENTRIES_PER_PERSON }, (_, j) => {
      const theme = themes[(i + j * 7) % themes.length];
      return { subjectId: id, themeId: theme.id, themeName: theme.name.fi, validFrom: '2025-01-01', validUntil: '2027-12-31', grantedBy: 'bench', orderId: '',
        grantedAt: '2025-01-01T00:00:00.000Z', source: { kind: 'import' as const, file: 'bench.csv', row: i + 2 } };
    }));
    for (let i = 0; i < grants.length; i += 500) await app.deps.grants.putMany(grants.slice(i, i + 500));
    log(`  seeded   ${grants.length} register entries of the ${changedCount} people who change, in ${Date.now() - t} ms`);
    changed.forEach((id, i) => {
      if (i % 2 === 0) fake.updateUser(id, { accountEnabled: false });
      else fake.updateUser(id, { jobTitle: 'Kirjanpitäjä', officeLocation: 'Rahoitus ja strategia', managerId: '8f3324e7-2587-572c-a7da-1c34a2a5f962' });
    });

    fake.reset();
    t = Date.now();
    const counts = await directorySweep(deps, '2026-12-02');
    const ms = Date.now() - t;
    const pages = fake.requestsTo('/v1.0/users/delta').length;
    log(`  timed    directory delta: ${JSON.stringify(counts)} through ${pages} delta pages in ${ms} ms`);
    return { people, changed: changedCount, baselineMs, ms, pages, counts };
  } finally {
    await app.stop();
    await fake.close();
  }
}

async function main(): Promise<void> {
  const { startTestBot } = require('../helpers/botHarness') as typeof import('../helpers/botHarness');
  try {
    const timing = await timeDirectoryDelta(async () => (await startTestBot()).app);
    console.log(`target ≤ ${TARGET_MS} ms: ${timing.ms <= TARGET_MS ? 'met' : 'NOT met'}`);
    process.exitCode = timing.ms <= TARGET_MS ? 0 : 1;
  } finally {
    await stopTestAzurite();
  }
}

if (require.main === module) void main().catch((err) => { console.error(err); process.exit(1); });
