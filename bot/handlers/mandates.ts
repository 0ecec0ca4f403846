/**
 * "Omat valtuudet" and "Alaisteni valtuudet" (menu buttons and typed intents): the register as its holder and
 * their manager see it. The team view is decided on the server from the directory; a forged button from
 * someone without direct reports gets a polite refusal and reads nothing.
 */
import type { HandlerDeps, Turn } from './turn';
import { noticeCard } from './turn';
import type { AdaptiveCard } from '../../cards/card';
import { registerEntriesOf, teamRegister } from '../services/registerQueries';
import { myMandatesView, teamMandatesView } from '../presenters/registerViews';

export async function showMyMandates(deps: HandlerDeps, turn: Turn): Promise<AdaptiveCard> {
  const [entries, themes] = await Promise.all([registerEntriesOf(deps, turn.userId), deps.catalog.themes()]);
  return myMandatesView(turn.tr, turn.lang, entries, themes, deps.now(), deps.config.register);
}

export async function showTeamMandates(deps: HandlerDeps, turn: Turn): Promise<AdaptiveCard> {
  const [team, themes] = await Promise.all([teamRegister(deps, turn.userId), deps.catalog.themes()]);
  if (team.kind === 'notManager') {
    turn.log.warn('team register view refused: no direct reports in the directory');
    return noticeCard(turn.tr('mandates.notManager'), 'Attention');
  }
  return teamMandatesView(turn.tr, turn.lang, team.reports, themes, deps.now());
}
