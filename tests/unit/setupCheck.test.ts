import assert from 'node:assert/strict';
import { isAdminChannel, setupChecks } from '../../bot/domain/setupCheck';

describe('setup checks and the administrators\' channel', () => {
  it('names each setting as ok, missing or differing, with this installation\'s value', () => {
    const checks = setupChecks({ teamId: 'T1', channelId: undefined, tenantId: 'x', directory: 'graph' }, { teamId: 'T2', channelId: 'C', tenantId: 'x' });
    assert.deepEqual(checks.map((c) => [c.setting, c.state, c.value]), [
      ['ADMIN_TEAM_ID', 'differs', 'T2'], ['ADMIN_CHANNEL_ID', 'missing', 'C'], ['MICROSOFT_APP_TENANT_ID', 'ok', 'x'],
      ['ADMIN_GROUP_ID', 'ok', undefined], ['SIGNATORY_GROUP_ID', 'ok', undefined]]);
    assert.equal(setupChecks({ directory: 'file' }, { teamId: 'T', channelId: 'C' })[3].state, 'sampleDirectory');
  });

  it('the administrators\' channel needs the channel id, and the team id when ADMIN_TEAM_ID is set', () => {
    assert.equal(isAdminChannel({ teamId: 'T', channelId: 'C' }, { teamId: 'T', channelId: 'C' }), true);
    assert.equal(isAdminChannel({ teamId: 'T', channelId: 'C' }, { teamId: 'OTHER', channelId: 'C' }), false);
    assert.equal(isAdminChannel({ teamId: 'T', channelId: 'C' }, { channelId: 'C' }), false);
    assert.equal(isAdminChannel({ channelId: 'C' }, { teamId: 'ANY', channelId: 'C' }), true);
    assert.equal(isAdminChannel({ teamId: 'T' }, { teamId: 'T', channelId: 'C' }), false);
  });
});
