import { ActivityTypes, CardFactory, INVOKE_RESPONSE_KEY, MessageFactory, type TurnContext } from 'botbuilder';
import type { HandlerDeps, Turn } from './turn';
import { errorCard, isOutage, noticeCard, resolveTurnSafely, unavailableCard } from './turn';
import { CARD_CONTENT_TYPE, type AdaptiveCard } from '../../cards/card';

/**
 * Wraps the app's turn so that every turn ends with an answer: a route's error becomes the polite error (or
 * "try again shortly" on an outage) card, and an invoke no route answered (unknown verb, malformed value, an
 * invoke name we do not serve) gets a polite answer instead of the SDK's empty 501.
 */
export function guardTurn(deps: HandlerDeps, run: (ctx: TurnContext) => Promise<unknown>): (ctx: TurnContext) => Promise<void> {
  return async (ctx) => {
    try {
      await run(ctx);
    } catch (err) {
      await answerFailure(deps, ctx, err);
      return;
    }
    if (ctx.activity.type === ActivityTypes.Invoke && !ctx.turnState.get(INVOKE_RESPONSE_KEY)) {
      const turn = await resolveTurnSafely(deps, ctx);
      turn.log.info({ name: typeof ctx.activity.name === 'string' ? ctx.activity.name.slice(0, 40) : undefined }, 'unhandled invoke answered politely');
      await answerInvoke(ctx, fallbackInvokeBody(ctx, turn));
    }
  };
}

async function answerFailure(deps: HandlerDeps, ctx: TurnContext, err: unknown): Promise<void> {
  const outage = isOutage(err);
  const turn = await resolveTurnSafely(deps, ctx);
  // Names only: an SDK message can quote the activity, which may carry personal data.
  turn.log.error({ err: { name: (err as Error)?.name, code: (err as { code?: string })?.code }, outage }, 'turn failed outside the routes');
  const c = outage || turn.unavailable ? unavailableCard(turn) : errorCard(turn);
  try {
    if (ctx.activity.type === ActivityTypes.Invoke) {
      if (!ctx.turnState.get(INVOKE_RESPONSE_KEY)) {
        await answerInvoke(ctx, ctx.activity.name === 'adaptiveCard/action' ? cardBody(c) : fallbackInvokeBody(ctx, turn));
      }
    } else if (ctx.activity.type === ActivityTypes.Message) {
      await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(c)));
    }
  } catch (sendErr) {
    turn.log.warn({ err: { name: (sendErr as Error)?.name } }, 'could not send the error answer');
  }
}

/** The polite answer to an invoke nobody handled, in the format its name expects. */
function fallbackInvokeBody(ctx: TurnContext, turn: Turn & { unavailable: boolean }): unknown {
  const name = typeof ctx.activity.name === 'string' ? ctx.activity.name : '';
  if (turn.unavailable) return name === 'adaptiveCard/action' ? cardBody(unavailableCard(turn)) : messageBody(turn.tr('common.unavailable', { id: turn.correlationId }));
  if (name === 'adaptiveCard/action') return cardBody(noticeCard(turn.tr('common.expiredCard'), 'Warning'));
  const message = turn.tr('common.unsupported');
  if (name === 'task/fetch' || name === 'task/submit') return { task: { type: 'message', value: message } };
  if (name.startsWith('composeExtension/')) return { composeExtension: { type: 'message', text: message } };
  return messageBody(message);
}

const cardBody = (c: AdaptiveCard) => ({ statusCode: 200, type: CARD_CONTENT_TYPE, value: c });
const messageBody = (message: string) => ({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: message });

async function answerInvoke(ctx: TurnContext, body: unknown): Promise<void> {
  await ctx.sendActivity({ type: 'invokeResponse', value: { status: 200, body } });
}
