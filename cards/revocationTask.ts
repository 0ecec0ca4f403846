/**
 * The revocation task's own part of its card (cards/registerTask.ts draws it for an open revocation task):
 * how to revoke (mitätöidä) the mandates in Suomi.fi, the day it was done, and "Merkitse mitätöidyksi". The
 * button carries the task id and the version shown, never more; the server checks who clicked and the dates.
 */
import { text, errorText, container, execute, type Action, type Element } from './card';
import type { Lang, Translate } from '../bot/i18n';
import { taskVerbData, type TaskView } from './taskView';

const HELSINKI_DAY = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit' });

export function revocationActions(tr: Translate, _lang: Lang, view: TaskView): { body: Element[]; actions: Action[] } {
  const today = view.today ?? HELSINKI_DAY.format(new Date());
  const earliest = view.task.entries.map((e) => e.validFrom).sort()[0] ?? today;
  const body: Element[] = [
    container([
      text(tr('revocation.guide.title'), { weight: 'Bolder' }),
      text(tr('revocation.guide.steps', { person: view.personName })),
    ], { separator: true }),
    { type: 'Input.Date', id: 'revokedOn', label: tr('revocation.date'), value: today, max: today, min: earliest < today ? earliest : today,
      isRequired: true, errorMessage: tr('revocation.dateError') },
    ...(view.notice ? [errorText(view.notice)] : []),
  ];
  return { body, actions: [execute(tr('revocation.confirm'), 'task.revoke', taskVerbData(view.task), { style: 'positive' })] };
}

