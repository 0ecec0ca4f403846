import { card, heading, text, facts, plain, type AdaptiveCard } from './card';
import type { Translate } from '../bot/i18n';
import type { SetupCheck } from '../bot/domain/setupCheck';

export interface SetupData { teamName?: string; checks: SetupCheck[] }

/** Posted in the channel the app was installed into: the ids to configure and the state of the settings. */
export function setupCard(tr: Translate, data: SetupData): AdaptiveCard {
  const allSet = data.checks.every((c) => c.state === 'ok');
  const state = (c: SetupCheck): string => {
    const word = tr(`setup.${c.state}`);
    return c.value && c.state !== 'ok' ? `\`${c.value}\` — ${word}` : word;
  };
  return card([
    heading(tr('setup.title')),
    ...(data.teamName ? [text(`${tr('setup.team')}: ${plain(data.teamName)}`, { isSubtle: true })] : []),
    text(allSet ? tr('setup.allSet') : tr('setup.intro'), allSet ? { color: 'Good' } : {}),
    facts(data.checks.map((c) => [c.setting, state(c)])),
  ]);
}
