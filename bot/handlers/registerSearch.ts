/**
 * The administrators' register search in their personal chat: the menu entry or "hae valtuuksia [text]" opens the
 * form (or searches at once), the form's button searches, and "Vie CSV" answers a one-time download link. Every
 * step asks the policy on the server ('searchRegister'); a channel gets a pointer to the personal chat instead,
 * since the answer lists people's mandates.
 */
import type { HandlerDeps, Turn } from './turn';
import { actorOf, noticeCard } from './turn';
import type { AdaptiveCard } from '../../cards/card';
import { registerSearchCard, registerExportCard } from '../../cards/registerSearch';
import { may } from '../domain/policies';
import { createExportLink, downloadExport, searchRegister, namePeople, EXPORT_LINK_MINUTES } from '../services/registerSearch';
import { parseSearchQuery, type RegisterSearchQuery, type SearchBy } from '../domain/registerSearch';
import { registerSearchAnswer, registerSearchCsv, shownRows } from '../presenters/registerSearch';
import { isLang, translator, type Lang } from '../i18n';
import type { CardData } from './verbInput';
import { randomUUID } from 'node:crypto';
import { safeError } from '../log';

export interface SearchInput { by: SearchBy; text: string }

export function parseSearchInput(data: CardData): SearchInput {
  const by = typeof data.by === 'string' && ['person', 'theme', 'department'].includes(data.by) ? data.by as SearchBy : 'person';
  const text = typeof data.q === 'string' ? data.q.slice(0, 200) : '';
  return { by, text };
}

const inPersonalChat = (turn: Turn): boolean => (turn.ctx.activity.conversation?.conversationType ?? 'personal') === 'personal';

/** Refused (with the reason) unless an administrator in their personal chat. */
async function refusal(deps: HandlerDeps, turn: Turn): Promise<AdaptiveCard | undefined> {
  if (!may(await actorOf(deps, turn.userId), 'searchRegister')) {
    turn.log.warn('register search refused: not an administrator');
    return noticeCard(turn.tr('common.notAllowed'), 'Attention');
  }
  if (!inPersonalChat(turn)) return noticeCard(turn.tr('search.onlyPersonal'), 'Attention');
  return undefined;
}

/** The menu entry or the typed command: the form, or the answer when the command named what to search. */
export async function openRegisterSearch(deps: HandlerDeps, turn: Turn, text = ''): Promise<AdaptiveCard> {
  const refused = await refusal(deps, turn);
  if (refused) return refused;
  if (!text.trim()) return registerSearchCard(turn.tr, { by: 'person', text: '' });
  return answer(deps, turn, await guessBy(deps, text));
}

/** The form's button. */
export async function runRegisterSearch(deps: HandlerDeps, turn: Turn, input: SearchInput): Promise<AdaptiveCard> {
  const refused = await refusal(deps, turn);
  if (refused) return refused;
  const query = parseSearchQuery(input.by, input.text);
  if (!query) return registerSearchCard(turn.tr, { by: input.by, text: input.text });
  return answer(deps, turn, query);
}

/** "Vie CSV": a one-time link for this administrator (the query is searched again, and authorised again, at download). */
export async function exportRegisterSearch(deps: HandlerDeps, turn: Turn, input: SearchInput): Promise<AdaptiveCard> {
  const refused = await refusal(deps, turn);
  if (refused) return refused;
  const query = parseSearchQuery(input.by, input.text);
  if (!query) return registerSearchCard(turn.tr, { by: input.by, text: input.text });
  const link = await createExportLink(deps, await actorOf(deps, turn.userId), query);
  if (link.kind === 'notAllowed') return noticeCard(turn.tr('common.notAllowed'), 'Attention');
  turn.log.info({ by: query.by }, 'register export link created');
  return registerExportCard(turn.tr, `${deps.publicUrl ?? ''}/register/export/${link.token}?lang=${turn.lang}`, EXPORT_LINK_MINUTES);
}

async function answer(deps: HandlerDeps, turn: Turn, query: RegisterSearchQuery): Promise<AdaptiveCard> {
  const result = await searchRegister(deps, query, 'shown');
  switch (result.kind) {
    case 'noMatch': return registerSearchCard(turn.tr, { ...query, notice: turn.tr('search.noMatch', { text: query.text }) });
    case 'ambiguous': return registerSearchCard(turn.tr, { ...query, notice: turn.tr('search.ambiguous', { names: result.themes.map((t) => t.name[turn.lang] || t.name.fi).join(', ') }) });
    case 'found': {
      await namePeople(deps, result, shownRows(result));
      return registerSearchAnswer(turn.tr, turn.lang, result, await deps.catalog.themes());
    }
  }
}

/** A typed "hae valtuuksia <text>": a theme when the catalog has it, else a department the directory has, else a person. */
async function guessBy(deps: HandlerDeps, text: string): Promise<RegisterSearchQuery> {
  const wanted = text.trim().toLowerCase();
  const themes = [...(await deps.catalog.themes()).values()];
  if (themes.some((t) => [t.id, t.name.fi, t.name.sv, t.name.en].some((n) => n?.toLowerCase() === wanted))) return { by: 'theme', text };
  if ((await deps.directory.findPeople({ department: text }, 1)).length) return { by: 'department', text };
  return { by: 'person', text };
}

/**
 * GET /register/export/<token>: the CSV of the link's search, once, for the administrator it was made for while
 * they still are one. Every refusal is the same 404 with a short text in the link's language (a forged, used or
 * expired token tells nothing apart), and nothing is ever a 5xx except a storage outage.
 */
export async function downloadRegisterExport(deps: HandlerDeps, token: string, langParam: string): Promise<{ status: number; body: string; headers: Record<string, string> }> {
  const lang: Lang = isLang(langParam) ? langParam : 'fi';
  const tr = translator(lang);
  let outcome: Awaited<ReturnType<typeof downloadExport>>;
  try {
    outcome = await downloadExport(deps, token, (id) => deps.directory.isMember(id, 'administrators'));
  } catch (err) {
    // Storage or the directory did not answer: said in the link's language, with an id to find the log line by.
    const id = randomUUID().slice(0, 8);
    deps.log.error({ err: safeError(err), errorId: id }, 'register export failed');
    return { status: 503, body: tr('common.unavailable', { id }) + '\n', headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '5' } };
  }
  if (outcome.kind === 'refused' || outcome.result.kind !== 'found') {
    deps.log.warn({ reason: outcome.kind === 'refused' ? outcome.reason : outcome.result.kind }, 'register export link refused');
    return { status: 404, body: tr('search.linkRefused') + '\n', headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
  }
  deps.log.info({ adminId: outcome.adminId, rows: outcome.result.rows.length }, 'register export downloaded');
  const day = deps.now().toISOString().slice(0, 10);
  return { status: 200, body: registerSearchCsv(tr, lang, outcome.result, await deps.catalog.themes()),
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="valtuudet-${day}.csv"` } };
}
