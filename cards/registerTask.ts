/**
 * The cards of register tasks: a revocation task in the administrators' channel (who, which mandates, how to
 * revoke them in Suomi.fi, what is done) and the personal card asking a manager to review a person's mandates.
 * Shared state only; a task's buttons carry its id and version, never more (the server decides).
 */
import { card, heading, text, subtle, facts, container, plain, type AdaptiveCard, type Element } from './card';
import { formatDate, type Lang, type MessageKey, type Translate } from '../bot/i18n';
import type { TaskEntry } from '../bot/domain/registerTask';
import type { TaskView } from './taskView';
import { revocationActions } from './revocationTask';
import { reviewCardActions } from './reviewTask';

export { taskVerbData, type TaskView } from './taskView';

/** Each kind's own inputs and buttons (an open task only). */
const KIND_ACTIONS = { revocation: revocationActions, review: reviewCardActions };

const entryLine = (lang: Lang, e: TaskEntry): string =>
  `**${plain(e.themeName)}** (${formatDate(lang, e.validFrom)} – ${formatDate(lang, e.validUntil)})`;

/** The task's card in the administrators' channel. */
export function taskCard(tr: Translate, lang: Lang, view: TaskView): AdaptiveCard {
  const t = view.task;
  const extra = t.status === 'open' ? KIND_ACTIONS[t.kind](tr, lang, view) : undefined;
  const body: Element[] = [
    heading(tr(`task.title.${t.kind}` as MessageKey, { person: view.personName })),
    facts([
      [tr('task.fact.person'), view.personName],
      [tr('task.fact.department'), view.department || '–'],
      [tr('task.fact.reason'), tr(`task.reason.${t.reason}` as MessageKey)],
      [tr('task.fact.due'), formatDate(lang, t.dueOn)],
      [tr('task.fact.status'), t.status === 'done' ? tr('task.status.done', { name: view.doneByName, date: formatDate(lang, (t.doneAt ?? '').slice(0, 10)) }) : tr('task.status.open')],
    ]),
    ...(extra && 'replacesEntries' in extra && extra.replacesEntries ? [] : [container(t.entries.map((e) => text(entryLine(lang, e) + (e.revokedOn ? ` — ${tr('task.entry.revokedOn', { date: formatDate(lang, e.revokedOn) })}` : ''), { size: 'Small' })), { spacing: 'Small' })]),
    ...(view.unreachableNames.length ? [subtle(tr('task.unreachable', { names: view.unreachableNames.join(', ') }))] : []),
  ];
  return card([...body, ...(extra?.body ?? [])], extra?.actions ?? []);
}

/** The personal card asking the manager to act on a task (a review: keep or revoke each mandate). */
export function taskActionCard(tr: Translate, lang: Lang, view: TaskView): AdaptiveCard {
  return taskCard(tr, lang, view);
}
