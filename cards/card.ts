/**
 * Minimal typed Adaptive Card 1.5 building blocks. Builders in this folder take a view model and a translator
 * and return a card; they hold no business rules and call no stores.
 */
import { plainText, plainLabel } from '../bot/domain/safeText';
import type { ExecuteVerb, SubmitVerb } from '../bot/domain/verbs';

export type Element = Record<string, unknown> & { type: string };
export type Action = Record<string, unknown> & { type: 'Action.Submit' | 'Action.Execute' | 'Action.OpenUrl' | 'Action.ShowCard' | 'Action.ToggleVisibility' };

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: Element[];
  actions?: Action[];
  msteams?: { width?: 'Full' };
  refresh?: unknown;
}

export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export function card(body: Element[], actions: Action[] = []): AdaptiveCard {
  const c: AdaptiveCard = { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body };
  if (actions.length) c.actions = actions;
  return c;
}

export const heading = (text: string): Element => ({ type: 'TextBlock', text, weight: 'Bolder', size: 'Medium', wrap: true, style: 'heading' });
export const text = (value: string, extra: Record<string, unknown> = {}): Element => ({ type: 'TextBlock', text: value, wrap: true, ...extra });
export const subtle = (value: string): Element => text(value, { isSubtle: true, size: 'Small', spacing: 'None' });
export const errorText = (value: string): Element => text(value, { color: 'Attention', size: 'Small', spacing: 'None' });
export const facts = (items: Array<[string, string]>): Element => ({ type: 'FactSet', facts: items.map(([title, value]) => ({ title, value })) });
export const container = (items: Element[], extra: Record<string, unknown> = {}): Element => ({ type: 'Container', items, ...extra });

/** Action.Submit routed by teams-ai on data.verb. Data carries ids only. */
export const submit = (title: string, verb: SubmitVerb, data: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Action =>
  ({ type: 'Action.Submit', title, data: { verb, ...data }, ...extra });
/** Action.Execute (Universal Actions): the invoke answer replaces the card. */
export const execute = (title: string, verb: ExecuteVerb, data: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Action =>
  ({ type: 'Action.Execute', title, verb, data, ...extra });

/** Text that people typed, made safe to show: see plainText (the one sanitiser for cards and text messages). */
/** The bytes a card element adds to the activity (Teams refuses a card over 28 KB: rows are fitted under a budget). */
export const cardBytes = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value)).length;

/** The leading elements that fit in `budget` bytes (at least one, so a single huge entry still shows). */
export function fitElements(elements: Element[], budget: number): Element[] {
  let used = 0;
  const out: Element[] = [];
  for (const el of elements) {
    used += cardBytes(el) + 1;
    if (out.length && used > budget) break;
    out.push(el);
  }
  return out;
}

export const plain = plainText;
/** Typed text in a button title or input value (not markdown-rendered): see plainLabel. */
export const plainTitle = plainLabel;
