/**
 * The cards of register tasks: a revocation task in the administrators' channel (who, which mandates, how to
 * revoke them in Suomi.fi, what is done) and the personal card asking a manager to review a person's mandates.
 * Shared state only; a task's buttons carry its id and version, never more (the server decides).
 */
import { card, heading, text, subtle, facts, container, plain, type AdaptiveCard, type Action, type Element } from './card';
import { formatDate, type Lang, type MessageKey, type Translate } from '../bot/i18n';
import type { RegisterTask, TaskEntry } from '../bot/domain/registerTask';

/** A task as its cards show it: names resolved, every typed or directory text made plain (by the presenter). */
export interface TaskView {
  task: RegisterTask;
  personName: string;
  department: string;
  managerName: string;
  doneByName: string;
  unreachableNames: string[];
  /** Today (Helsinki) when whoever draws the card knows it (an answer to a click); else the card's own clock. */
  today?: string;
  /** Why a click did not go through (e.g. a date refused), shown by the kind's own part beside its inputs. */
  notice?: string;
}

/** Card data of every task verb: the task id and the version the card shows. */
export const taskVerbData = (task: RegisterTask, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ taskId: task.id, v: task.doneAt ?? task.createdAt, ...extra });

/**
 * Buttons and inputs a task's card offers, by the card's kind; filled in where the verbs live (the revocation and
 * review handlers register theirs here), so this file lays out and does not decide.
 */
export const taskCardActions: {
  revocation?: (tr: Translate, lang: Lang, view: TaskView) => { body: Element[]; actions: Action[] };
  review?: (tr: Translate, lang: Lang, view: TaskView) => { body: Element[]; actions: Action[] };
} = {};

const entryLine = (lang: Lang, e: TaskEntry): string =>
  `**${plain(e.themeName)}** (${formatDate(lang, e.validFrom)} – ${formatDate(lang, e.validUntil)})`;

/** The task's card in the administrators' channel. */
export function taskCard(tr: Translate, lang: Lang, view: TaskView): AdaptiveCard {
  const t = view.task;
  const body: Element[] = [
    heading(tr(`task.title.${t.kind}` as MessageKey, { person: view.personName })),
    facts([
      [tr('task.fact.person'), view.personName],
      [tr('task.fact.department'), view.department || '–'],
      [tr('task.fact.reason'), tr(`task.reason.${t.reason}` as MessageKey)],
      [tr('task.fact.due'), formatDate(lang, t.dueOn)],
      [tr('task.fact.status'), t.status === 'done' ? tr('task.status.done', { name: view.doneByName, date: formatDate(lang, (t.doneAt ?? '').slice(0, 10)) }) : tr('task.status.open')],
    ]),
    container(t.entries.map((e) => text(entryLine(lang, e) + (e.revokedOn ? ` — ${tr('task.entry.revokedOn', { date: formatDate(lang, e.revokedOn) })}` : ''), { size: 'Small' })), { spacing: 'Small' }),
    ...(view.unreachableNames.length ? [subtle(tr('task.unreachable', { names: view.unreachableNames.join(', ') }))] : []),
  ];
  const extra = t.status === 'open' ? taskCardActions[t.kind]?.(tr, lang, view) : undefined;
  return card([...body, ...(extra?.body ?? [])], extra?.actions ?? []);
}

/** The personal card asking the manager to act on a task (a review: keep or revoke each mandate). */
export function taskActionCard(tr: Translate, lang: Lang, view: TaskView): AdaptiveCard {
  return taskCard(tr, lang, view);
}
