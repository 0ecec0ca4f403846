/**
 * The administrators' catalog view: each theme's "held by the organisation" flag, searchable and toggled in place.
 * The policy gate ('toggleHeld') is the verb registry's; the flag itself is services/heldFlag's.
 */
import type { HandlerDeps, Turn } from './turn';
import { noticeCard, actorOf } from './turn';
import type { AdaptiveCard } from '../../cards/card';
import { catalogHeldCard } from '../../cards/catalogHeld';
import { findThemesForHeldView, toggleHeld } from '../services/heldFlag';
import { may } from '../domain/policies';
import { str, type CardData } from './verbInput';

/** At most this many themes in one view (the query narrows it). */
const SHOWN_THEMES = 25;

export interface HeldViewInput { query: string }
export interface ToggleInput extends HeldViewInput { themeId: unknown; shownVersion: number }

export const parseHeldView = (data: CardData): HeldViewInput => ({ query: str(data.query, 100).toLowerCase() });
export const parseToggle = (data: CardData): ToggleInput => ({ ...parseHeldView(data), themeId: data.themeId, shownVersion: Number(data.version) });

export async function showHeldView(deps: HandlerDeps, turn: Turn, input: HeldViewInput, notice?: string): Promise<AdaptiveCard> {
  const { themes, total, version } = await findThemesForHeldView(deps, input.query, SHOWN_THEMES);
  return catalogHeldCard(turn.tr, turn.lang, themes, total, input.query, version, notice);
}

/** "valtuusasiat" typed in a chat: the same view as the card's button, behind the same policy. */
export async function showHeldViewIfAllowed(deps: HandlerDeps, turn: Turn): Promise<AdaptiveCard> {
  if (!may(await actorOf(deps, turn.userId), 'toggleHeld')) return noticeCard(turn.tr('common.notAllowed'), 'Attention');
  return showHeldView(deps, turn, { query: '' });
}

/** A lost race answers "someone was faster"; an outage is thrown to the route (it answers "try again shortly"). */
export async function toggleHeldFlag(deps: HandlerDeps, turn: Turn, input: ToggleInput): Promise<AdaptiveCard> {
  const result = await toggleHeld(deps, input.themeId, input.shownVersion);
  switch (result.kind) {
    case 'noTheme': return showHeldView(deps, turn, input);
    case 'stale': return showHeldView(deps, turn, input, turn.tr('common.stale'));
    case 'changed':
      turn.log.info({ themeId: result.theme.id, held: result.held }, 'theme held flag changed');
      return showHeldView(deps, turn, input, turn.tr('catalog.changed', { theme: result.theme.name[turn.lang] || result.theme.name.fi,
        state: turn.tr(result.held ? 'catalog.held' : 'catalog.missing') }));
  }
}
