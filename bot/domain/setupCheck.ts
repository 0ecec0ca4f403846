/**
 * What an installation into a team tells the people setting the bot up: the ids of this team and channel
 * to put in the settings, and which settings are missing or point elsewhere. Pure: no SDK, no I/O.
 */
export type SettingState = 'ok' | 'missing' | 'differs' | 'sampleDirectory';
export interface SetupCheck { setting: string; state: SettingState; /** The value to configure, from this installation. */ value?: string }

export interface ConfiguredIds { teamId?: string; channelId?: string; tenantId?: string; directory: 'file' | 'graph' }
export interface InstalledAt { teamId: string; channelId: string; tenantId?: string }

export function setupChecks(configured: ConfiguredIds, here: InstalledAt): SetupCheck[] {
  const compare = (setting: string, want: string | undefined, actual: string | undefined): SetupCheck =>
    ({ setting, value: actual, state: !want ? 'missing' : want === actual ? 'ok' : 'differs' });
  const groups: SettingState = configured.directory === 'graph' ? 'ok' : 'sampleDirectory';
  return [
    compare('ADMIN_TEAM_ID', configured.teamId, here.teamId),
    compare('ADMIN_CHANNEL_ID', configured.channelId, here.channelId),
    compare('MICROSOFT_APP_TENANT_ID', configured.tenantId, here.tenantId),
    { setting: 'ADMIN_GROUP_ID', state: groups },
    { setting: 'SIGNATORY_GROUP_ID', state: groups },
  ];
}

/** Is an activity from the administrators' channel? The channel id must match, and the team too when configured. */
export function isAdminChannel(configured: Pick<ConfiguredIds, 'teamId' | 'channelId'>, activity: { teamId?: string; channelId?: string }): boolean {
  if (!configured.channelId || activity.channelId !== configured.channelId) return false;
  return !configured.teamId || activity.teamId === configured.teamId;
}
