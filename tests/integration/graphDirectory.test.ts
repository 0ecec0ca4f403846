import assert from 'node:assert/strict';
import { ClientSecretCredential, DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { GRAPH_TIME_ZONE, GraphMeetingScheduler, helsinkiDateTime } from '../../graph/calendar';
import { graphCredential } from '../../graph/credentials';
import { GraphDirectory, GraphRequestError, USER_FIELDS, type GraphDirectoryOptions } from '../../graph/graphDirectory';
import { FAKE_GROUP_IDS, FAKE_TOKEN, FakeGraph, FakeTokenCredential, type SampleUser } from '../helpers/fakeGraph';

const CONTACT_ID = 'c0c0c0c0-0000-4000-8000-00000000c0c0';

describe('GraphDirectory against a fake Graph, with the real Graph client', function () {
  let fake: FakeGraph;
  let users: SampleUser[];
  let top: SampleUser;
  let worker: SampleUser;
  let admin: SampleUser;
  let signatory: SampleUser;

  const directory = (options: Partial<GraphDirectoryOptions> = {}): GraphDirectory =>
    new GraphDirectory({ credential: new FakeTokenCredential(), groupIds: FAKE_GROUP_IDS, baseUrl: fake.baseUrl, ...options });
  const byId = (id: string): SampleUser => users.find((u) => u.id === id)!;
  const userPath = (id: string): string => `/v1.0/users/${id}`;

  before(async () => {
    fake = await FakeGraph.start({ pageSize: 2 });
    users = fake.org.users;
    top = users.find((u) => u.managerId === null)!;
    worker = users.find((u) => u.managerId !== null && !users.some((r) => r.managerId === u.id))!;
    admin = byId(fake.org.groups.mandateAdministrators[0]!);
    signatory = byId(fake.org.groups.signatories[0]!);
    assert.ok(!fake.org.groups.signatories.includes(admin.id) && !fake.org.groups.mandateAdministrators.includes(signatory.id));
  });
  after(() => fake.close());
  beforeEach(() => fake.reset());

  describe('look-ups', () => {
    it('getUser selects only the fields DirectoryUser needs and maps officeLocation to serviceArea', async () => {
      const credential = new FakeTokenCredential();
      const user = await directory({ credential }).getUser(worker.id);

      assert.deepEqual(user, {
        id: worker.id,
        displayName: worker.displayName,
        givenName: worker.givenName,
        surname: worker.surname,
        jobTitle: worker.jobTitle,
        department: worker.department,
        serviceArea: worker.officeLocation,
        mail: worker.mail,
        userPrincipalName: worker.userPrincipalName,
        preferredLanguage: worker.preferredLanguage,
        accountEnabled: worker.accountEnabled,
        managerId: worker.managerId,
      });
      const [request] = fake.requestsTo(userPath(worker.id));
      assert.deepEqual(request?.query.$select?.split(',').sort(), [...USER_FIELDS].sort());
      assert.equal(request?.authorization, `Bearer ${FAKE_TOKEN}`);
      assert.deepEqual(fake.requestsTo(`${userPath(worker.id)}/manager`)[0]?.query, { $select: 'id' });
      assert.deepEqual(credential.scopesRequested[0], ['https://graph.microsoft.com/.default']);
    });

    it('getUser answers undefined for an id Graph does not know (404)', async () => {
      assert.equal(await directory().getUser('00000000-0000-4000-8000-000000000404'), undefined);
    });

    it('getUser gives managerId null when Graph answers 404 for the manager', async () => {
      const user = await directory().getUser(top.id);
      assert.equal(user?.id, top.id);
      assert.equal(user?.managerId, null);
      assert.equal(fake.requestsTo(`${userPath(top.id)}/manager`).length, 1);
    });

    it('getManager returns the manager, and undefined for a person without one', async () => {
      const dir = directory();
      const manager = await dir.getManager(worker.id);
      assert.equal(manager?.id, worker.managerId);
      assert.equal(manager?.displayName, byId(worker.managerId!).displayName);
      assert.equal(await dir.getManager(top.id), undefined);
    });

    it('an id with a slash cannot reach another resource', async () => {
      assert.equal(await directory().getUser(`${worker.id}/manager`), undefined);
      assert.equal(fake.requestsTo(`${userPath(worker.id)}/manager`).length, 0);
    });
  });

  describe('direct reports', () => {
    it('follows @odata.nextLink across every page and keeps only users', async () => {
      const contactFake = await FakeGraph.start({ pageSize: 2, contacts: [{ id: CONTACT_ID, displayName: 'Ulkoinen yhteyshenkilö', managerId: top.id }] });
      try {
        const dir = new GraphDirectory({ credential: new FakeTokenCredential(), groupIds: FAKE_GROUP_IDS, baseUrl: contactFake.baseUrl });
        const reports = await dir.getDirectReports(top.id);

        const expected = users.filter((u) => u.managerId === top.id).map((u) => u.id);
        assert.ok(expected.length > 4, 'the sample needs several pages');
        assert.deepEqual(reports.map((u) => u.id), expected);
        assert.ok(reports.every((u) => u.managerId === top.id && u.serviceArea !== undefined));
        const pages = contactFake.requestsTo(`${userPath(top.id)}/directReports`);
        assert.equal(pages.length, Math.ceil((expected.length + 1) / 2));
        assert.equal(pages[0]?.query.$skiptoken, undefined);
        assert.equal(pages[1]?.query.$skiptoken, '2');
        assert.ok(pages.every((p) => p.query.$select?.split(',').length === USER_FIELDS.length && p.authorization === `Bearer ${FAKE_TOKEN}`));
      } finally {
        await contactFake.close();
      }
    });

    it('answers an empty list for a person without reports', async () => {
      assert.deepEqual(await directory().getDirectReports(worker.id), []);
    });

    it('refuses to follow a next link to another origin', async () => {
      const foreign = await FakeGraph.start({ pageSize: 2, nextLinkBase: 'http://127.0.0.2:9/' });
      try {
        const dir = new GraphDirectory({ credential: new FakeTokenCredential(), groupIds: FAKE_GROUP_IDS, baseUrl: foreign.baseUrl });
        await assert.rejects(dir.getDirectReports(top.id), (e: Error) => e instanceof GraphRequestError && /not followed/.test(e.message));
        assert.equal(foreign.requests.length, 1);
      } finally {
        await foreign.close();
      }
    });
  });

  describe('groups', () => {
    it('isMember is true for an administrator only in the administrators group', async () => {
      const dir = directory();
      assert.equal(await dir.isMember(admin.id, 'administrators'), true);
      assert.equal(await dir.isMember(admin.id, 'signatories'), false);
      // One transitive check answers for both groups.
      const [post, ...more] = fake.requestsTo(`${userPath(admin.id)}/checkMemberGroups`);
      assert.equal(more.length, 0);
      assert.equal(post?.method, 'POST');
      assert.deepEqual(post?.body, { groupIds: [FAKE_GROUP_IDS.administrators, FAKE_GROUP_IDS.signatories] });
    });

    it('isMember is true for a signatory only in the signatories group', async () => {
      const dir = directory();
      assert.equal(await dir.isMember(signatory.id, 'signatories'), true);
      assert.equal(await dir.isMember(signatory.id, 'administrators'), false);
    });

    it('isMember is false for a person in neither group and for an unknown id', async () => {
      const dir = directory();
      assert.equal(await dir.isMember(worker.id, 'administrators'), false);
      assert.equal(await dir.isMember(worker.id, 'signatories'), false);
      assert.equal(await dir.isMember('00000000-0000-4000-8000-000000000404', 'administrators'), false);
    });

    it('listMembers pages through the transitive members and fills in each one\'s manager', async () => {
      const members = await directory().listMembers('administrators');
      assert.deepEqual(members.map((u) => u.id), fake.org.groups.mandateAdministrators);
      assert.deepEqual(members.map((u) => u.managerId), fake.org.groups.mandateAdministrators.map((id) => byId(id).managerId));
      const path = `/v1.0/groups/${FAKE_GROUP_IDS.administrators}/transitiveMembers/microsoft.graph.user`;
      assert.equal(fake.requestsTo(path).length, Math.ceil(fake.org.groups.mandateAdministrators.length / 2));
      assert.ok(fake.requestsTo(path).length > 1, 'the sample needs several pages');
    });

    it('listMembers of a group that does not exist fails rather than answering an empty list', async () => {
      const dir = directory({ groupIds: { ...FAKE_GROUP_IDS, signatories: '0a0d1e55-0000-4000-8000-0000000f404f' } });
      await assert.rejects(dir.listMembers('signatories'), (e: Error) => e instanceof GraphRequestError && e.status === 404);
    });
  });

  describe('throttling and errors', () => {
    it('retries a 429 after its Retry-After delay and then succeeds', async () => {
      fake.failNext(userPath(worker.id), 1, { status: 429, retryAfterSeconds: 1 });
      const user = await directory().getUser(worker.id);

      assert.equal(user?.id, worker.id);
      const [throttled, retried, ...more] = fake.requestsTo(userPath(worker.id));
      assert.equal(more.length, 0);
      assert.ok(retried!.at - throttled!.at >= 950, `retried after ${retried!.at - throttled!.at} ms`);
      assert.equal(retried?.retryAttempt, '1');
      assert.equal(retried?.authorization, `Bearer ${FAKE_TOKEN}`);
    });

    it('retries a POST after a 503 with Retry-After', async () => {
      const path = `${userPath(admin.id)}/checkMemberGroups`;
      fake.failNext(path, 1, { status: 503, retryAfterSeconds: 1 });
      assert.equal(await directory().isMember(admin.id, 'administrators'), true);
      const [first, second] = fake.requestsTo(path);
      assert.ok(second!.at - first!.at >= 950);
      assert.deepEqual(second?.body, first?.body);
    });

    it('gives up after maxRetries with an error that names the operation and status but no personal data', async () => {
      fake.failNext(userPath(worker.id), 2, { status: 429, retryAfterSeconds: 1 });
      const error = await directory({ maxRetries: 1 }).getUser(worker.id).then(
        () => assert.fail('expected a failure'),
        (e: unknown) => e as GraphRequestError,
      );
      assert.ok(error instanceof GraphRequestError);
      assert.equal(error.status, 429);
      assert.match(error.message, /getUser/);
      assert.match(error.message, /429/);
      for (const personal of [worker.id, worker.displayName, worker.mail, worker.surname]) assert.ok(!error.message.includes(personal));
      assert.equal(fake.requestsTo(userPath(worker.id)).length, 2);
    });

    it('fails at once when Retry-After is longer than the app is willing to wait', async () => {
      fake.failNext(userPath(worker.id), 1, { status: 429, retryAfterSeconds: 120 });
      const started = Date.now();
      await assert.rejects(directory({ maxRetryAfterSeconds: 10 }).getUser(worker.id), (e: Error) => e instanceof GraphRequestError && e.status === 429);
      assert.ok(Date.now() - started < 900);
      assert.equal(fake.requestsTo(userPath(worker.id)).length, 1);
    });

    it('reports a server error without repeating Graph\'s message, which quotes the id', async () => {
      fake.failNext(userPath(worker.id), 1, { status: 500 });
      await assert.rejects(directory().getUser(worker.id), (e: Error) =>
        e instanceof GraphRequestError && e.status === 500 && /getUser failed: status 500/.test(e.message) && !e.message.includes(worker.id));
    });

    it('refuses a plain-http base URL anywhere but this machine, so a token never travels in clear text', () => {
      assert.throws(() => directory({ baseUrl: 'http://graph.example.org/' }), /https/);
    });
  });

  describe('cache', () => {
    it('serves a repeated getUser from the cache without a second request', async () => {
      const dir = directory();
      await dir.getUser(worker.id);
      const again = await dir.getUser(worker.id);
      assert.equal(again?.id, worker.id);
      assert.equal(fake.requestsTo(userPath(worker.id)).length, 1);
      assert.equal(fake.requestsTo(`${userPath(worker.id)}/manager`).length, 1);
    });

    it('shares one request between concurrent identical look-ups', async () => {
      const dir = directory();
      const answers = await Promise.all([dir.getUser(worker.id), dir.getUser(worker.id), dir.isMember(admin.id, 'administrators'), dir.isMember(admin.id, 'signatories')]);
      assert.equal(answers[0], answers[1]);
      assert.equal(fake.requestsTo(userPath(worker.id)).length, 1);
      assert.equal(fake.requestsTo(`${userPath(admin.id)}/checkMemberGroups`).length, 1);
    });

    it('asks Graph again once an entry has expired', async () => {
      const dir = directory({ cacheTtlMs: 50 });
      await dir.getUser(worker.id);
      await new Promise((resolve) => setTimeout(resolve, 80));
      await dir.getUser(worker.id);
      assert.equal(fake.requestsTo(userPath(worker.id)).length, 2);
    });

    it('evicts the oldest entry when full', async () => {
      const dir = directory({ cacheMaxEntries: 2 });
      const [a, b, c] = [users[1]!, users[2]!, users[3]!];
      for (const u of [a, b, c]) await dir.getUser(u.id);
      await dir.getUser(c.id);
      await dir.getUser(a.id);
      assert.equal(fake.requestsTo(userPath(c.id)).length, 1);
      assert.equal(fake.requestsTo(userPath(a.id)).length, 2);
    });

    it('does not keep a failure: the next call asks again', async () => {
      const dir = directory();
      fake.failNext(userPath(worker.id), 1, { status: 500 });
      await assert.rejects(dir.getUser(worker.id));
      assert.equal((await dir.getUser(worker.id))?.id, worker.id);
      assert.equal(fake.requestsTo(userPath(worker.id)).length, 2);
    });
  });

  describe('GraphMeetingScheduler', () => {
    const scheduler = (): GraphMeetingScheduler =>
      new GraphMeetingScheduler({ credential: new FakeTokenCredential(), baseUrl: fake.baseUrl });

    it('creates a Teams meeting in the organiser\'s calendar at Helsinki wall-clock time', async () => {
      const meeting = await scheduler().schedule({
        organizerId: admin.id,
        attendeeMails: [worker.mail, signatory.mail],
        subject: 'Valtuutuksen allekirjoitus',
        bodyHtml: '<p>Tervetuloa</p>',
        start: new Date('2025-03-10T07:00:00Z'),
        durationMinutes: 45,
      });

      const [request, ...more] = fake.requestsTo(`${userPath(admin.id)}/events`);
      assert.equal(more.length, 0);
      assert.equal(request?.method, 'POST');
      assert.equal(request?.authorization, `Bearer ${FAKE_TOKEN}`);
      const { transactionId, ...event } = request?.body as Record<string, unknown>;
      assert.match(String(transactionId), /^[0-9a-f-]{36}$/);
      assert.deepEqual(event, {
        subject: 'Valtuutuksen allekirjoitus',
        body: { contentType: 'HTML', content: '<p>Tervetuloa</p>' },
        start: { dateTime: '2025-03-10T09:00:00', timeZone: GRAPH_TIME_ZONE },
        end: { dateTime: '2025-03-10T09:45:00', timeZone: GRAPH_TIME_ZONE },
        attendees: [
          { emailAddress: { address: worker.mail }, type: 'required' },
          { emailAddress: { address: signatory.mail }, type: 'required' },
        ],
        isOnlineMeeting: true,
        onlineMeetingProvider: 'teamsForBusiness',
      });
      assert.match(meeting.id, /^AAMk/);
      assert.match(meeting.webLink ?? '', /^https:\/\/outlook\.office365\.com\//);
    });

    it('writes Helsinki summer time and keeps a meeting\'s length across the spring clock change', () => {
      assert.equal(helsinkiDateTime(new Date('2025-06-10T06:00:00Z')), '2025-06-10T09:00:00');
      // 02:30 EET + 60 min = 04:30 EEST: clocks go from 03:00 to 04:00 on 30 March 2025.
      assert.equal(helsinkiDateTime(new Date('2025-03-30T00:30:00Z')), '2025-03-30T02:30:00');
      assert.equal(helsinkiDateTime(new Date('2025-03-30T01:30:00Z')), '2025-03-30T04:30:00');
    });

    it('rejects a meeting without attendees or with a zero duration before calling Graph', async () => {
      const base = { organizerId: admin.id, subject: 's', bodyHtml: '', start: new Date('2025-03-10T07:00:00Z') };
      await assert.rejects(scheduler().schedule({ ...base, attendeeMails: [], durationMinutes: 30 }), /attendeeMails/);
      await assert.rejects(scheduler().schedule({ ...base, attendeeMails: [worker.mail], durationMinutes: 0 }), /durationMinutes/);
      assert.equal(fake.requests.length, 0);
    });

    it('reports a failed create by operation and status', async () => {
      await assert.rejects(
        scheduler().schedule({ organizerId: '00000000-0000-4000-8000-000000000404', attendeeMails: [worker.mail], subject: 's', bodyHtml: '', start: new Date(), durationMinutes: 30 }),
        (e: Error) => e instanceof GraphRequestError && e.status === 404 && /scheduleMeeting/.test(e.message),
      );
    });
  });
});

describe('graphCredential', () => {
  const tenantId = '11111111-1111-4111-8111-111111111111';
  const clientId = '22222222-2222-4222-8222-222222222222';

  it('names GRAPH_CLIENT_SECRET and GRAPH_CERTIFICATE_PATH when a client id has neither', () => {
    assert.throws(() => graphCredential({ tenantId, clientId }), (e: Error) =>
      e.message.includes('GRAPH_CLIENT_SECRET') && e.message.includes('GRAPH_CERTIFICATE_PATH'));
  });

  it('uses the client secret of an app registration, and never echoes it', () => {
    assert.ok(graphCredential({ tenantId, clientId, clientSecret: 's3cr3t' }) instanceof ClientSecretCredential);
    assert.throws(() => graphCredential({ tenantId, clientSecret: 's3cr3t' }), (e: Error) =>
      e.message.includes('GRAPH_CLIENT_ID') && !e.message.includes('s3cr3t'));
  });

  it('names GRAPH_CERTIFICATE_PATH when the certificate file does not exist', () => {
    assert.throws(() => graphCredential({ tenantId, clientId, certificatePath: '/nonexistent/graph.pem' }), /GRAPH_CERTIFICATE_PATH/);
  });

  it('refuses a secret and a certificate at once', () => {
    assert.throws(() => graphCredential({ tenantId, clientId, clientSecret: 'x', certificatePath: '/tmp/c.pem' }), /only one/);
  });

  it('falls back to a managed identity without an app registration', () => {
    assert.ok(graphCredential({ tenantId, managedIdentityClientId: clientId }) instanceof ManagedIdentityCredential);
    assert.ok(graphCredential({ tenantId, clientId: '', clientSecret: ' ' }) instanceof DefaultAzureCredential);
  });
});

describe('GraphDirectory.findByAddress against a fake Graph', () => {
  let fake: FakeGraph;
  before(async () => { fake = await FakeGraph.start({ pageSize: 1 }); });
  after(() => fake.close());

  it('finds a person by mail or UPN with one $filter (any case), and no one for an unknown address', async () => {
    const directory = new GraphDirectory({ credential: new FakeTokenCredential(), groupIds: FAKE_GROUP_IDS, baseUrl: fake.baseUrl, cacheTtlMs: 0 });
    const someone = fake.org.users.find((u) => u.managerId !== null)!;
    const [found, ...more] = await directory.findByAddress(someone.mail.toUpperCase());
    assert.equal(found?.id, someone.id);
    assert.equal(found?.managerId, someone.managerId);
    assert.deepEqual(more, []);
    const [request] = fake.requestsTo('/v1.0/users');
    assert.equal(request?.query.$filter, `mail eq '${someone.mail.toUpperCase()}' or userPrincipalName eq '${someone.mail.toUpperCase()}'`);
    assert.deepEqual(request?.query.$select?.split(','), [...USER_FIELDS]);
    assert.deepEqual(await directory.findByAddress("o'brien@porvoo.example"), [], 'a quote is escaped, not a broken filter');
  });
});
