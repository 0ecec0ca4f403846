/**
 * The review card's answer (Action.Execute 'review.answer') and the administrators' "tarkistukset" view. The card's
 * data gives the task id, the version shown and the choices; who answers, and whether they may, comes from the
 * directory and the task as stored (services/reviewAnswer).
 */
import type { HandlerDeps, Turn } from './turn';
import { actorOf, noticeCard } from './turn';
import { errorText, type AdaptiveCard } from '../../cards/card';
import { taskActionCard } from '../../cards/registerTask';
import { reviewAnsweredCard, reviewDoneCard, reviewLineInput, REVIEW_COMMENT_INPUT, REVIEW_COMMENT_MAX } from '../../cards/reviewTask';
import { reviewProgressCard } from '../../cards/reviewProgress';
import { taskView } from '../presenters/registerMessages';
import { answerReview } from '../services/reviewAnswer';
import { reviewProgressData } from '../services/reviewQueries';
import { may } from '../domain/policies';
import type { RegisterTask } from '../domain/registerTask';
import { plainText } from '../domain/safeText';
import type { ReviewDecision } from '../domain/review';
import { freeText, str, type CardData } from './verbInput';

/** More lines than any person's register holds: a forged card cannot make the parser loop further. */
const MAX_LINES = 300;

export interface ReviewAnswerInput { taskId: string; shownVersion: string; answers: Array<ReviewDecision | undefined>; comment: string }

export function parseReviewAnswer(data: CardData): ReviewAnswerInput {
  const answers: Array<ReviewDecision | undefined> = [];
  for (let i = 0; i < MAX_LINES; i++) {
    const v = data[reviewLineInput(i)];
    answers.push(v === 'keep' || v === 'revoke' ? v : undefined);
  }
  return { taskId: str(data.taskId, 300), shownVersion: str(data.v, 64), answers, comment: freeText(data[REVIEW_COMMENT_INPUT], REVIEW_COMMENT_MAX) };
}

export async function answerReviewCard(deps: HandlerDeps, turn: Turn, input: ReviewAnswerInput): Promise<AdaptiveCard> {
  const actor = await actorOf(deps, turn.userId);
  const result = await answerReview(deps, { actor, ...input });
  switch (result.kind) {
    case 'notFound': return noticeCard(turn.tr('common.expiredCard'));
    case 'notAllowed':
      turn.log.warn({ verb: 'review.answer' }, 'review answer refused');
      return noticeCard(turn.tr('common.notAllowed'), 'Attention');
    case 'answered': return reviewAnsweredCard(turn.tr, turn.lang, await viewOf(deps, result.task));
    case 'stale': return withNotice(deps, turn, result.task, turn.tr('review.card.stale'));
    case 'incomplete': {
      // The card again, with the choices made so far and which mandates still need an answer.
      const partly = { ...result.task, entries: result.task.entries.map((e, i) => ({ ...e, ...(input.answers[i] ? { decision: input.answers[i] } : {}) })) };
      const themes = result.missing.map((i) => plainText(result.task.entries[i].themeName)).join(', ');
      return withNotice(deps, turn, partly, turn.tr('review.card.incomplete', { themes }));
    }
    case 'done': {
      const view = await viewOf(deps, result.task);
      return reviewDoneCard(turn.tr, { ...view, managerAsked: !result.task.onBehalf });
    }
  }
}

async function withNotice(deps: HandlerDeps, turn: Turn, task: RegisterTask, notice: string): Promise<AdaptiveCard> {
  const c = taskActionCard(turn.tr, turn.lang, await viewOf(deps, task));
  return { ...c, body: [errorText(notice), ...c.body] };
}

const viewOf = (deps: HandlerDeps, task: RegisterTask) => taskView({ directory: deps.directory, users: deps.users, adminLang: deps.config.adminLang }, task);

/** "tarkistukset" / "granskningar" / "reviews": the review progress per department (administrators). */
export async function showReviewProgress(deps: HandlerDeps, turn: Turn): Promise<AdaptiveCard> {
  if (!may(await actorOf(deps, turn.userId), 'digest')) return noticeCard(turn.tr('common.notAllowed'), 'Attention');
  return reviewProgressCard(turn.tr, turn.lang, await reviewProgressData(deps));
}
