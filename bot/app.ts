import { ActivityTypes, type TurnContext } from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import type { HandlerDeps, Turn } from './handlers/turn';
import { resolveTurnSafely, sendCard, errorCard, noticeCard, isOutage, unavailableCard } from './handlers/turn';
import { safeError } from './log';
import { recognise } from './handlers/intents';
import { showMenu, changeLanguage, showHelp, showInstructions } from './handlers/menu';
import { onInstallationUpdate, onMembersAdded, onMembersRemoved, rememberPersonalConversation } from './handlers/install';
import { openOrderForm } from './handlers/order';
import { showMyOrders } from './handlers/myOrders';
import { showMyMandates, showTeamMandates } from './handlers/mandates';
import { openRegisterSearch } from './handlers/registerSearch';
import { answerText, showGlossaryList } from './handlers/glossary';
import { showSuggestions } from './handlers/suggest';
import { showOrderByNumber, showOpenOrders, showChannelHelp } from './handlers/adminChannel';
import { showHeldViewIfAllowed } from './handlers/catalogHeld';
import { showReviewProgress } from './handlers/review';
import { routesOf } from './handlers/verbs';
import type { AdaptiveCard } from '../cards/card';
import { t } from './i18n';
import { normalizeActivityInput } from './handlers/inputBoundary';

type Data = Record<string, unknown>;

/**
 * Routes only: message intents, card verbs, installation updates. Every route resolves the turn (who, which
 * language), refuses other tenants and unknown users, and turns a bug into a polite card with a correlation id.
 */
export function createApp(deps: HandlerDeps): Application<TurnState> {
  const app = new Application<TurnState>({
    removeRecipientMention: true,
    startTypingTimer: false,
    adaptiveCards: { actionSubmitFilter: 'verb' },
  });
  app.turn('beforeTurn', (ctx) => admitTurn(deps, ctx));
  routeInstallation(app, deps);
  routeVerbs(app, deps);
  // Typed messages last: teams-ai takes the first matching route, and an Action.Submit also arrives as a message.
  app.activity(ActivityTypes.Message, (ctx) => asMessage(deps, ctx, (turn) => answerMessage(deps, ctx, turn)));
  return app;
}

/** Before every route: input normalised, other tenants refused, the personal conversation remembered. */
async function admitTurn(deps: HandlerDeps, ctx: TurnContext): Promise<boolean> {
  normalizeActivityInput(ctx.activity);
  if (!tenantAllowed(deps, ctx)) {
    deps.log.warn({ activity: ctx.activity.type }, 'activity from another tenant refused');
    if (ctx.activity.type === ActivityTypes.Message) await ctx.sendActivity(WRONG_TENANT);
    if (ctx.activity.type === ActivityTypes.Invoke) {
      await ctx.sendActivity({ type: 'invokeResponse', value: { status: 403, body: { statusCode: 403, type: 'application/vnd.microsoft.error', value: { code: 'Forbidden', message: 'tenant' } } } });
    }
    return false;
  }
  rememberPersonalConversation(deps, ctx);
  return true;
}

/** Installation events (the personal reference is remembered in beforeTurn). */
function routeInstallation(app: Application<TurnState>, deps: HandlerDeps): void {
  const installRoute = (fn: (d: HandlerDeps, ctx: TurnContext) => Promise<void>) => async (ctx: TurnContext) => {
    try { await fn(deps, ctx); } catch (err) { deps.log.error({ err: safeError(err) }, 'installation event failed'); }
  };
  app.conversationUpdate('membersAdded', installRoute(onMembersAdded));
  app.conversationUpdate('membersRemoved', installRoute(onMembersRemoved));
  app.activity(ActivityTypes.InstallationUpdate, installRoute(onInstallationUpdate));
}

/**
 * Every card verb, from the registry: menu buttons (Action.Submit → a new message in the chat) and forms and
 * verbs (Action.Execute → the answer replaces the card for the one who clicked).
 */
function routeVerbs(app: Application<TurnState>, deps: HandlerDeps): void {
  for (const [verb, route] of routesOf('submit')) {
    app.adaptiveCards.actionSubmit<Data>(verb, async (ctx, _s, data) => {
      await asMessage(deps, ctx, async (turn) => { const c = await route.handle(deps, turn, plainObject(data)); if (c) await sendCard(ctx, c); });
    });
  }
  for (const [verb, route] of routesOf('execute')) {
    app.adaptiveCards.actionExecute<Data>(verb, async (ctx, _s, data) => asInvoke(deps, ctx, (turn) => route.handle(deps, turn, plainObject(data))));
  }
}

/** A typed message: what it asks for (handlers/intents), else a glossary answer, else the menu. */
async function answerMessage(deps: HandlerDeps, ctx: TurnContext, turn: Turn): Promise<void> {
  const intent = recognise(ctx.activity.text ?? '');
  const inChannel = ctx.activity.conversation?.conversationType === 'channel';
  switch (intent.kind) {
    case 'menu': return showMenu(deps, turn);
    case 'order': await sendCard(ctx, await openOrderForm(deps, turn)); return;
    case 'myOrders': await sendCard(ctx, await showMyOrders(deps, turn)); return;
    case 'myMandates': await sendCard(ctx, await showMyMandates(deps, turn)); return;
    case 'teamMandates': await sendCard(ctx, await showTeamMandates(deps, turn)); return;
    case 'registerSearch': await sendCard(ctx, await openRegisterSearch(deps, turn, intent.text)); return;
    case 'suggest': await sendCard(ctx, await showSuggestions(deps, turn, {})); return;
    case 'glossaryList': await sendCard(ctx, await showGlossaryList(deps, turn)); return;
    case 'language': return changeLanguage(deps, turn, intent.value);
    case 'showOrder': await sendCard(ctx, await showOrderByNumber(deps, turn, intent.number)); return;
    case 'catalogAdmin': await sendCard(ctx, await showHeldViewIfAllowed(deps, turn)); return;
    case 'openOrders': await sendCard(ctx, await showOpenOrders(deps, turn)); return;
    case 'reviewProgress': await sendCard(ctx, await showReviewProgress(deps, turn)); return;
    // Over-long text (MAX_CHAT_TEXT) never reaches intent or glossary matching.
    case 'tooLong': await sendCard(ctx, noticeCard(turn.tr('common.messageTooLong', { max: intent.max }), 'Attention')); return;
    case 'help': if (inChannel) await sendCard(ctx, showChannelHelp(turn)); else await showHelp(deps, turn); return;
    case 'instructions': await sendCard(ctx, await showInstructions(deps, turn)); return;
    case 'text': {
      const answer = await answerText(deps, turn, intent.text);
      if (answer) { await sendCard(ctx, answer); return; }
      return showMenu(deps, turn, turn.tr('common.unknownCommand'));
    }
  }
}

async function asMessage(deps: HandlerDeps, ctx: TurnContext, fn: (turn: Turn) => Promise<void>): Promise<void> {
  // Setup reads storage and the directory: bounded and inside the error handling (an outage → "try again shortly").
  const turn = await resolveTurnSafely(deps, ctx);
  if (turn.unavailable) { await sendCard(ctx, unavailableCard(turn)); return; }
  if (!turn.user) { await ctx.sendActivity(turn.tr('common.unknownUser')); return; }
  try {
    await fn(turn);
  } catch (err) {
    turn.log.error({ err: safeError(err) }, 'turn failed');
    await sendCard(ctx, isOutage(err) ? unavailableCard(turn) : errorCard(turn));
  }
}

async function asInvoke(deps: HandlerDeps, ctx: TurnContext, fn: (turn: Turn) => Promise<AdaptiveCard>): Promise<AdaptiveCard> {
  const turn = await resolveTurnSafely(deps, ctx);
  if (turn.unavailable) return unavailableCard(turn);
  if (!turn.user) return noticeCard(turn.tr('common.unknownUser'), 'Attention');
  try {
    return await fn(turn);
  } catch (err) {
    turn.log.error({ err: safeError(err) }, 'invoke failed');
    return isOutage(err) ? unavailableCard(turn) : errorCard(turn);
  }
}

/** Card data as a plain object: a string, number, array or null from a forged action becomes {}. */
function plainObject(data: unknown): Data {
  return data && typeof data === 'object' && !Array.isArray(data) ? data as Data : {};
}

function tenantAllowed(deps: HandlerDeps, ctx: TurnContext): boolean {
  const expected = deps.config.tenantId;
  if (!expected) return true;
  const a = ctx.activity;
  const tenant = a.conversation?.tenantId ?? (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  return tenant === expected;
}

/** Another tenant's user is not in our directory, so their language is unknown: answer in all three. */
const WRONG_TENANT = [t('fi', 'common.wrongTenant'), t('sv', 'common.wrongTenant'), t('en', 'common.wrongTenant')].join(' / ');
