/** Team installations: the channel reference of each team the bot is in, and whether it is new (one setup card each). */
import type { AppDeps } from './appDeps';

type ChannelReference = Parameters<NonNullable<AppDeps['installs']>['recordTeamInstall']>[2];

/** True the first time the bot is installed into this team (and when installations are not recorded at all). */
export async function recordTeamInstall(deps: Pick<AppDeps, 'installs' | 'now'>, teamId: string, channelId: string, ref: ChannelReference): Promise<boolean> {
  return deps.installs ? deps.installs.recordTeamInstall(teamId, channelId, ref, deps.now().getTime()) : true;
}

export async function forgetTeam(deps: Pick<AppDeps, 'installs'>, teamId: string): Promise<void> {
  await deps.installs?.forgetTeam(teamId);
}
