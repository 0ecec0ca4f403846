/**
 * "Tilaa jatko" (the renewal reminder's button and the "Omat valtuudet" rows): the order form prefilled for a
 * continuation of the clicker's own register entry. The card names the entry (theme and start) only; the entry,
 * the window and what is already arranged are re-read on the server, so a stale or forged button gets the truth.
 */
import type { HandlerDeps, Turn } from './turn';
import { noticeCard } from './turn';
import type { AdaptiveCard } from '../../cards/card';
import { optionalString, isoDate, type CardData } from './verbInput';
import { openOrderForm } from './order';
import { renewalOffer } from '../services/renewal';
import { validityRange } from '../domain/orderInput';
import { helsinkiDate } from '../domain/workdays';
import { proposedRenewalUntil } from '../domain/renewal';
import { formatDate } from '../i18n';

export interface RenewInput { themeId?: string; validFrom?: string }
export const parseRenew = (data: CardData): RenewInput => ({ themeId: optionalString(data.themeId)?.slice(0, 200),
  validFrom: optionalString(data.validFrom)?.slice(0, 10) });

export async function renewMandate(deps: HandlerDeps, turn: Turn, input: RenewInput): Promise<AdaptiveCard> {
  if (!input.themeId || !input.validFrom || !isoDate(input.validFrom)) return noticeCard(turn.tr('renewal.notFound'), 'Attention');
  const today = helsinkiDate(deps.now());
  const offer = await renewalOffer(deps, turn.userId, { themeId: input.themeId, validFrom: input.validFrom }, today);
  turn.log.info({ offer: offer.kind }, 'renewal requested');
  switch (offer.kind) {
    case 'notFound': return noticeCard(turn.tr('renewal.notFound'), 'Attention');
    case 'ordered': return noticeCard(turn.tr('renewal.ordered', { number: offer.number }));
    case 'arranged': return noticeCard(turn.tr('renewal.arranged', { until: formatDate(turn.lang, offer.until) }));
    case 'notYet': return noticeCard(turn.tr('renewal.notYet', { from: formatDate(turn.lang, offer.opensOn) }));
    case 'ended': return openOrderForm(deps, turn, [offer.themeId], undefined, {}, turn.tr('renewal.ended'));
    case 'continuation': {
      // As many whole years as the entry it continues, from its last day, within what the form allows.
      const { max } = validityRange(deps.now(), deps.config.maxValidityYears);
      const until = proposedRenewalUntil(offer.current, offer.start);
      return openOrderForm(deps, turn, [offer.themeId], undefined, {
        validUntil: until > max ? max : until,
        justification: turn.tr('renewal.justification', { until: formatDate(turn.lang, offer.current.validUntil) }),
      });
    }
  }
}
