/**
 * "Merkitse mitätöidyksi" on a revocation task's card: parses the card's data (task id, version, the date typed),
 * asks the service, and answers the clicker with the card as it is now and what happened. Loading this module
 * plugs the revocation task's guide, date and button into the task card (cards/revocationTask.ts).
 */
import type { HandlerDeps, Turn } from './turn';
import { actorOf, noticeCard } from './turn';
import type { AdaptiveCard } from '../../cards/card';
import { errorText, text } from '../../cards/card';
import { taskCard } from '../../cards/registerTask';
import { taskView } from '../presenters/registerMessages';
import { recordRevocation } from '../services/recordRevocation';
import type { RegisterTask } from '../domain/registerTask';
import { helsinkiDate } from '../domain/workdays';
import { formatDate } from '../i18n';
import { plainText } from '../domain/safeText';
import { displayName } from '../presenters/people';
import { maySeeAdminCard } from './adminOrder';
import { str, type CardData } from './verbInput';

export interface RevokeInput { taskId: string; shownVersion: string; revokedOn: string }

export const parseRevoke = (data: CardData): RevokeInput => ({ taskId: str(data.taskId, 300), shownVersion: str(data.v, 40), revokedOn: str(data.revokedOn, 10) });

export async function revokeTaskVerb(deps: HandlerDeps, turn: Turn, input: RevokeInput): Promise<AdaptiveCard> {
  const actor = await actorOf(deps, turn.userId);
  const result = await recordRevocation(deps, { actor, taskId: input.taskId, shownVersion: input.shownVersion, revokedOn: input.revokedOn });
  switch (result.kind) {
    case 'notFound': return noticeCard(turn.tr('common.expiredCard'));
    case 'denied':
      turn.log.warn({ taskId: result.task.id }, 'revocation task: not an administrator');
      if (!(await maySeeAdminCard(deps, turn, actor))) return noticeCard(turn.tr('common.notAllowed'), 'Attention');
      return answer(deps, turn, result.task, turn.tr('revocation.notAdministrator'), 'Attention');
    case 'stale': {
      const t = result.task;
      const notice = t.status === 'done'
        ? turn.tr('revocation.alreadyDone', { name: plainText(await displayName(deps.directory, t.doneBy)), date: formatDate(turn.lang, (t.doneAt ?? '').slice(0, 10)) })
        : turn.tr('revocation.stale');
      return answer(deps, turn, t, notice, 'Warning');
    }
    case 'badDate':
      return answer(deps, turn, result.task, turn.tr(`revocation.date.${result.reason}`, { date: formatDate(turn.lang, result.earliest) }), 'Attention');
    case 'done':
      turn.log.info({ taskId: result.task.id }, 'revocation task done');
      return answer(deps, turn, result.task, result.task.managerId
        ? `${turn.tr('revocation.done')} ${turn.tr('revocation.managerTold', { name: plainText(await displayName(deps.directory, result.task.managerId)) })}`
        : turn.tr('revocation.done'), 'Good');
  }
}

/** The task's card as it is now, in the clicker's language, with what happened on top (open: beside the button). */
async function answer(deps: HandlerDeps, turn: Turn, task: RegisterTask, notice: string, color: 'Good' | 'Warning' | 'Attention'): Promise<AdaptiveCard> {
  const view = { ...(await taskView({ ...deps, adminLang: turn.lang }, task)), today: helsinkiDate(deps.now()) };
  if (task.status === 'open' && color === 'Attention') return taskCard(turn.tr, turn.lang, { ...view, notice });
  const card = taskCard(turn.tr, turn.lang, view);
  card.body.unshift(color === 'Good' ? text(notice, { color: 'Good', weight: 'Bolder' }) : errorText(notice));
  return card;
}
