import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileDirectory } from '../../graph/fileDirectory';
import { loadSampleOrg, type SampleOrg } from '../helpers/fakeGraph';

/** A deep copy of the sample organisation to break on purpose. */
function sampleCopy(): SampleOrg {
  return structuredClone(loadSampleOrg());
}

function loadError(org: unknown): string {
  try {
    new FileDirectory(org);
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail('the organisation was accepted');
}

describe('FileDirectory', () => {
  const org = loadSampleOrg();
  const directory = new FileDirectory(org);
  const top = org.users.find((u) => u.managerId === null)!;
  const worker = org.users.find((u) => u.managerId !== null && !org.users.some((r) => r.managerId === u.id))!;

  it('finds people by mail or userPrincipalName, ignoring case and spaces; several when an address is shared', async () => {
    assert.deepEqual((await directory.findByAddress(` ${worker.mail.toUpperCase()} `)).map((u) => u.id), [worker.id]);
    assert.deepEqual((await directory.findByAddress(worker.userPrincipalName)).map((u) => u.id), [worker.id]);
    assert.deepEqual(await directory.findByAddress('nobody@porvoo.example'), []);
    assert.deepEqual(await directory.findByAddress(''), []);
    const shared = sampleCopy();
    shared.users[1].mail = shared.users[0].mail;
    assert.equal((await new FileDirectory(shared).findByAddress(shared.users[0].mail)).length, 2);
  });

  it('loads every user of the sample organisation', () => {
    assert.equal(directory.allUsers().length, org.users.length);
    assert.ok(org.users.length > 30);
  });

  it('finds a user by id with the service area taken from officeLocation', async () => {
    const raw = org.users[1]!;
    assert.deepEqual(await directory.getUser(raw.id), {
      id: raw.id,
      displayName: raw.displayName,
      givenName: raw.givenName,
      surname: raw.surname,
      jobTitle: raw.jobTitle,
      department: raw.department,
      serviceArea: raw.officeLocation,
      mail: raw.mail,
      userPrincipalName: raw.userPrincipalName,
      preferredLanguage: raw.preferredLanguage,
      accountEnabled: raw.accountEnabled,
      managerId: raw.managerId,
    });
  });

  it('answers undefined for an id it does not know', async () => {
    assert.equal(await directory.getUser('00000000-0000-0000-0000-000000000000'), undefined);
  });

  it('gives a person their manager, and no manager to the head of the organisation', async () => {
    assert.equal((await directory.getManager(worker.id))?.id, worker.managerId);
    assert.equal(await directory.getManager(top.id), undefined);
    assert.equal(await directory.getManager('unknown'), undefined);
  });

  it('lists exactly the people whose manager is the user', async () => {
    const expected = org.users.filter((u) => u.managerId === top.id).map((u) => u.id);
    const reports = await directory.getDirectReports(top.id);
    assert.deepEqual(reports.map((u) => u.id), expected);
    assert.ok(reports.every((u) => u.managerId === top.id));
    assert.deepEqual(await directory.getDirectReports(worker.id), []);
  });

  it('does not let a caller change its lists or its users', async () => {
    const reports = await directory.getDirectReports(top.id);
    reports.length = 0;
    assert.ok((await directory.getDirectReports(top.id)).length > 0);
    assert.ok(Object.isFrozen(await directory.getUser(top.id)));
  });

  it('knows the administrators and signatories from the file groups', async () => {
    const admin = org.groups.mandateAdministrators[0]!;
    const signatory = org.groups.signatories[0]!;
    assert.equal(await directory.isMember(admin, 'administrators'), true);
    assert.equal(await directory.isMember(admin, 'signatories'), org.groups.signatories.includes(admin));
    assert.equal(await directory.isMember(signatory, 'signatories'), true);
    assert.equal(await directory.isMember(worker.id, 'administrators'), org.groups.mandateAdministrators.includes(worker.id));
    assert.deepEqual((await directory.listMembers('administrators')).map((u) => u.id), org.groups.mandateAdministrators);
    assert.deepEqual((await directory.listMembers('signatories')).map((u) => u.id), org.groups.signatories);
  });

  it('reads the organisation from a file', async () => {
    const file = path.join(os.tmpdir(), `org-${process.pid}-ok.json`);
    fs.writeFileSync(file, JSON.stringify(org));
    try {
      assert.equal(FileDirectory.fromFile(file).allUsers().length, org.users.length);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('names the file when it is not JSON', () => {
    const file = path.join(os.tmpdir(), `org-${process.pid}-bad.json`);
    fs.writeFileSync(file, '{ "users": [');
    try {
      assert.throws(() => FileDirectory.fromFile(file), (e: Error) => e.message.includes(file) && /not valid JSON/.test(e.message));
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('names the user index and the field of a wrongly typed value, not the value', () => {
    const bad = sampleCopy() as unknown as { users: Record<string, unknown>[] };
    bad.users[3]!.mail = 42;
    const message = loadError(bad);
    assert.match(message, /users\[3\]\.mail must be a string/);
    assert.ok(!message.includes('42'));
  });

  it('names a missing accountEnabled', () => {
    const bad = sampleCopy() as unknown as { users: Record<string, unknown>[] };
    delete bad.users[0]!.accountEnabled;
    assert.match(loadError(bad), /users\[0\]\.accountEnabled/);
  });

  it('names an empty id and a manager who is not in the file', () => {
    const bad = sampleCopy();
    bad.users[5]!.id = '';
    bad.users[2]!.managerId = 'not-in-the-file';
    const message = loadError(bad);
    assert.match(message, /users\[5\]\.id must not be empty/);
    assert.match(message, /users\[2\]\.managerId refers to no user/);
  });

  it('names a duplicated id with both indexes', () => {
    const bad = sampleCopy();
    bad.users[4]!.id = bad.users[1]!.id;
    assert.match(loadError(bad), /users\[4\]\.id duplicates users\[1\]\.id/);
  });

  it('refuses a management cycle', () => {
    const bad = sampleCopy();
    bad.users[0]!.managerId = bad.users[1]!.id;
    bad.users[1]!.managerId = bad.users[0]!.id;
    assert.match(loadError(bad), /users\[0\]\.managerId leads into a management cycle/);
  });

  it('names a group member who is not in the file', () => {
    const bad = sampleCopy();
    bad.groups.signatories = ['not-in-the-file'];
    assert.match(loadError(bad), /groups\.signatories\[0\] refers to no user/);
  });

  it('names a missing users list', () => {
    assert.match(loadError({ groups: {} }), /"users" must be an array/);
  });

  it('reads a leave day (employeeLeaveDateTime) as the Helsinki day, and names a bad one without quoting it', async () => {
    const leaving = sampleCopy();
    (leaving.users[0] as unknown as Record<string, unknown>).employeeLeaveDateTime = '2026-12-30T23:00:00Z';
    (leaving.users[1] as unknown as Record<string, unknown>).employeeLeaveDateTime = '2027-01-15';
    const d = new FileDirectory(leaving);
    assert.equal((await d.getUser(leaving.users[0].id))?.leaveDate, '2026-12-31');
    assert.equal((await d.getUser(leaving.users[1].id))?.leaveDate, '2027-01-15');
    assert.equal((await d.getUser(leaving.users[2].id))?.leaveDate, undefined);
    const bad = sampleCopy();
    (bad.users[3] as unknown as Record<string, unknown>).employeeLeaveDateTime = 'ensi kuussa';
    const message = loadError(bad);
    assert.match(message, /users\[3\]\.employeeLeaveDateTime must be a date/);
    assert.doesNotMatch(message, /ensi kuussa/);
  });

  it('changes(): everyone when the file changed on disk (re-read, so the bot answers from it too), nothing while it stays', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vb-fd-'));
    const file = path.join(dir, 'org.json');
    const copy = sampleCopy();
    fs.writeFileSync(file, JSON.stringify(copy));
    const d = FileDirectory.fromFile(file);
    const first = await d.changes(undefined);
    assert.equal(first.kind, 'full');
    assert.equal(first.kind === 'full' && first.users.length, copy.users.length);
    assert.deepEqual(await d.changes(first.cursor), { kind: 'unchanged', cursor: first.cursor });
    copy.users[0].accountEnabled = false;
    copy.users[0].department = 'Uusi toimiala';
    fs.writeFileSync(file, JSON.stringify(copy));
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(file, later, later);
    const second = await d.changes(first.cursor);
    assert.equal(second.kind, 'full');
    assert.notEqual(second.cursor, first.cursor);
    assert.deepEqual(second.kind === 'full' && second.users.find((u) => u.id === copy.users[0].id),
      { id: copy.users[0].id, displayName: copy.users[0].displayName, department: 'Uusi toimiala', serviceArea: copy.users[0].officeLocation,
        jobTitle: copy.users[0].jobTitle, managerId: copy.users[0].managerId, accountEnabled: false, leaveDate: null });
    assert.equal((await d.getUser(copy.users[0].id))?.department, 'Uusi toimiala', 'the running bot reads the new file');
    fs.writeFileSync(file, '{ broken');
    fs.utimesSync(file, new Date(Date.now() + 9000), new Date(Date.now() + 9000));
    await assert.rejects(d.changes(second.cursor), /is not valid JSON/);
    assert.equal((await d.getUser(copy.users[0].id))?.department, 'Uusi toimiala', 'a broken file keeps the last good reading');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
