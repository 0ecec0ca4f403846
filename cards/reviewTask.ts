/**
 * The review card's own parts: per mandate a keep / revoke choice (none chosen at first: every line needs a
 * conscious answer), an optional comment and the submit button — drawn inside the shared task card (registerTask.ts)
 * for any open review, so a periodic review and a mover's review are the same card. And the answers to a click:
 * "thank you / what happens next", "already answered". Buttons carry the task id and version only.
 */
import { card, heading, text, subtle, execute, plain, plainTitle, type AdaptiveCard, type Action, type Element } from './card';
import { taskVerbData, type TaskView } from './taskView';
import { formatDate, type Lang, type Translate } from '../bot/i18n';

/** The id of line i's choice in the card (and in the Action.Execute data it sends). */
export const reviewLineInput = (i: number): string => `line${i}`;
export const REVIEW_COMMENT_INPUT = 'comment';
export const REVIEW_COMMENT_MAX = 1000;

/** The body and button of an open review: one compact choice per mandate (a decision already on the entry is preselected). */
export function reviewCardActions(tr: Translate, lang: Lang, view: TaskView): { body: Element[]; actions: Action[]; replacesEntries: boolean } {
  const body: Element[] = [
    text(tr('review.card.intro', { person: view.personName })),
    ...view.task.entries.map((e, i): Element => ({
      type: 'Input.ChoiceSet', id: reviewLineInput(i), style: 'compact', isRequired: true,
      label: tr('review.card.lineLabel', { theme: plainTitle(e.themeName), until: formatDate(lang, e.validUntil) }),
      placeholder: tr('review.card.choose'), errorMessage: tr('review.card.lineRequired'),
      ...(e.decision ? { value: e.decision } : {}),
      choices: [{ title: tr('review.card.keep'), value: 'keep' }, { title: tr('review.card.revoke'), value: 'revoke' }],
    })),
    { type: 'Input.Text', id: REVIEW_COMMENT_INPUT, label: tr('review.card.comment'), isMultiline: true, maxLength: REVIEW_COMMENT_MAX },
  ];
  return { body, actions: [execute(tr('review.card.submit'), 'review.answer', taskVerbData(view.task), { style: 'positive' })], replacesEntries: true };
}


/** What the one who answered sees instead of the card: what was kept, what is revoked next and who does it. */
export function reviewDoneCard(tr: Translate, view: TaskView & { managerAsked: boolean }): AdaptiveCard {
  const t = view.task;
  const names = (decision: 'keep' | 'revoke') => t.entries.filter((e) => e.decision === decision).map((e) => plain(e.themeName)).join(', ');
  const kept = names('keep');
  const revoked = names('revoke');
  return card([
    heading(tr('review.done.title', { person: view.personName })),
    ...(kept ? [text(tr('review.done.kept', { themes: kept }))] : []),
    text(revoked ? tr('review.done.revoked', { themes: revoked }) : tr('review.done.noneRevoked'), revoked ? {} : { color: 'Good' }),
    ...(view.managerAsked ? [] : [subtle(tr('review.done.onBehalf', { manager: view.managerName }))]),
  ]);
}

/** A second answer, or a click on an old card: who answered and when; nothing was written. */
export function reviewAnsweredCard(tr: Translate, lang: Lang, view: TaskView): AdaptiveCard {
  return card([text(tr('review.answered', { person: view.personName, name: view.doneByName, date: formatDate(lang, (view.task.doneAt ?? '').slice(0, 10)) }))]);
}
