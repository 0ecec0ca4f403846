/**
 * Installation events. Into a team: a setup card in the channel (the ids to configure, the settings that are
 * missing or differ). Personal: the welcome. Uninstall: the stored conversation reference goes.
 */
import type { Activity, TurnContext } from 'botbuilder';
import type { HandlerDeps } from './turn';
import { resolveTurnSafely, sendCard, unavailableCard } from './turn';
import { showMenu } from './menu';
import { setupChecks } from '../domain/setupCheck';
import { setupCard } from '../../cards/setup';
import { translator } from '../i18n';
import { referenceOf } from './turn';
import { recordTeamInstall, forgetTeam } from '../services/installations';
import { forgetConversation, rememberConversation } from '../services/people';
import { safeError } from '../log';

interface TeamsChannelData {
  team?: { id?: string; name?: string };
  channel?: { id?: string };
  settings?: { selectedChannel?: { id?: string } };
  tenant?: { id?: string };
}

/** The team and channel an activity comes from (the channel chosen at install first, as Teams asks bots to). */
export function placeOf(a: Partial<Activity>): { teamId?: string; teamName?: string; channelId?: string } {
  const cd = (a.channelData ?? {}) as TeamsChannelData;
  // Both activities of one installation carry the chosen channel as the conversation id.
  const channelId = cd.settings?.selectedChannel?.id ?? a.conversation?.id?.split(';')[0] ?? cd.channel?.id;
  return { teamId: cd.team?.id, teamName: cd.team?.name, channelId };
}

const isPersonal = (a: Partial<Activity>) => a.conversation?.conversationType === 'personal';

export async function onInstallationUpdate(deps: HandlerDeps, ctx: TurnContext): Promise<void> {
  const a = ctx.activity;
  const action = (a as { action?: string }).action ?? '';
  if (action === 'add') {
    if (placeOf(a).teamId) await postSetupCard(deps, ctx);
    else if (isPersonal(a)) await welcome(deps, ctx);
  } else if (action === 'remove' || action === 'remove-upgrade') {
    await forget(deps, ctx);
  }
  // 'add-upgrade': a new version of an installed app; nothing to say.
}

/** conversationUpdate: the bot added to a team or channel → setup card; a person opening the personal chat → welcome. */
export async function onMembersAdded(deps: HandlerDeps, ctx: TurnContext): Promise<void> {
  const a = ctx.activity;
  const botId = a.recipient?.id;
  const added = a.membersAdded ?? [];
  if (placeOf(a).teamId && added.some((m) => m.id === botId)) { await postSetupCard(deps, ctx); return; }
  // Teams announces a personal install with the bot as the new member and an installationUpdate (welcome there);
  // a client that adds the person instead (the Agents Playground) gets the welcome here.
  if (isPersonal(a) && added.some((m) => m.id !== botId)) await welcome(deps, ctx);
}

export async function onMembersRemoved(deps: HandlerDeps, ctx: TurnContext): Promise<void> {
  const a = ctx.activity;
  if ((a.membersRemoved ?? []).some((m) => m.id === a.recipient?.id)) await forget(deps, ctx);
}

/** True for the activities that end an installation (no reference may be stored from them). */
export function isUninstall(a: Partial<Activity>): boolean {
  const action = (a as { action?: string }).action;
  if (a.type === 'installationUpdate') return action === 'remove' || action === 'remove-upgrade';
  return a.type === 'conversationUpdate' && (a.membersRemoved ?? []).some((m) => m.id === a.recipient?.id);
}

/**
 * A client may announce one personal install twice (the Agents Playground sends conversationUpdate with the person
 * and installationUpdate): one welcome per chat per minute. In-process: two instances may, rarely, both greet.
 */
const recentWelcomes = new Map<string, number>();
const WELCOME_ONCE_MS = 60_000;

function firstWelcome(conversationId: string, now: number): boolean {
  for (const [id, at] of recentWelcomes) if (now - at > WELCOME_ONCE_MS) recentWelcomes.delete(id);
  if (recentWelcomes.has(conversationId)) return false;
  recentWelcomes.set(conversationId, now);
  return true;
}

async function welcome(deps: HandlerDeps, ctx: TurnContext): Promise<void> {
  if (!firstWelcome(ctx.activity.conversation?.id ?? '', Date.now())) return;
  const turn = await resolveTurnSafely(deps, ctx);
  if (turn.unavailable) { await sendCard(ctx, unavailableCard(turn)); return; }
  if (!turn.user) { await ctx.sendActivity(turn.tr('common.unknownUser')); return; }
  await showMenu(deps, turn);
}

async function postSetupCard(deps: HandlerDeps, ctx: TurnContext): Promise<void> {
  const a = ctx.activity;
  const { teamId, teamName, channelId } = placeOf(a);
  if (!teamId || !channelId) return;
  const isNew = await recordTeamInstall(deps, teamId, channelId, referenceOf(a as Activity));
  if (!isNew) return;
  const tenantId = a.conversation?.tenantId ?? (a.channelData as TeamsChannelData | undefined)?.tenant?.id;
  const { adminChannel, tenantId: configuredTenant, directory } = deps.config;
  const checks = setupChecks({ teamId: adminChannel.teamId, channelId: adminChannel.channelId, tenantId: configuredTenant, directory: directory.kind }, { teamId, channelId, tenantId });
  deps.log.info({ states: checks.map((c) => `${c.setting}:${c.state}`) }, 'installed into a team; setup card posted');
  await sendCard(ctx, setupCard(translator(deps.config.adminLang), { teamName, checks }));
}

async function forget(deps: HandlerDeps, ctx: TurnContext): Promise<void> {
  const a = ctx.activity;
  const { teamId } = placeOf(a);
  if (teamId) {
    await forgetTeam(deps, teamId);
    const level = teamId === deps.config.adminChannel.teamId ? 'error' : 'info';
    deps.log[level]({ adminTeam: level === 'error' }, 'removed from a team; its channel reference deleted');
    return;
  }
  const userId = a.from?.aadObjectId;
  if (userId && isPersonal(a)) {
    await forgetConversation(deps, userId);
    deps.log.info('removed from a personal chat; conversation reference deleted');
  }
}

/** Stores the personal conversation at install and first message (cheap: the store skips unchanged references). */
export function rememberPersonalConversation(deps: HandlerDeps, ctx: TurnContext): void {
  const a = ctx.activity;
  const userId = a.from?.aadObjectId;
  if (!userId || a.conversation?.conversationType !== 'personal' || isUninstall(a)) return;
  rememberConversation(deps, userId, referenceOf(a)).catch((err: unknown) => deps.log.warn({ err: safeError(err) }, 'could not store conversation reference'));
}
