import type { HandlerDeps, Turn } from './turn';
import { eserviceIn } from '../domain/catalog';
import type { AdaptiveCard } from '../../cards/card';
import { suggestionsCard, mapBrowseCard, type SuggestionView } from '../../cards/suggest';
import { openOrderForm } from './order';
import type { DirectoryUser } from '../../graph/directory';
import { SCOPE_TYPES, type ScopeType } from '../domain/catalog';
import { PATH1_WORKING_DAYS, PATH2_WEEKS } from '../domain/paths';
import { OPEN_STATUSES } from '../domain/lifecycle';
import { helsinkiDate } from '../domain/workdays';
import { formatDate } from '../i18n';
import { personView } from '../services/orderQueries';

import { optionalString, type CardData } from './verbInput';
import { statusFor } from '../services/renewal';


/** Whose suggestions: a direct report picked on the card (or the one the view was for), else the user. */
export interface SuggestInput { personId?: string }
export const parseSuggestFor = (data: CardData): SuggestInput => ({ personId: optionalString(data.reportId ?? data.forUserId) });

/** "Tilaa valitut": the themes ticked (comma-separated ids) for the person the view was for. */
export interface OrderSuggestedInput extends SuggestInput { themes: string; forUserId?: string }
export const parseOrderSuggested = (data: CardData): OrderSuggestedInput => ({ ...parseSuggestFor(data), themes: optionalString(data.themes) ?? '', forUserId: optionalString(data.forUserId) });

export interface BrowseInput { scopeType: ScopeType; scope?: string }
export const parseBrowse = (data: CardData): BrowseInput =>
  ({ scopeType: SCOPE_TYPES.includes(data.scopeType as ScopeType) ? data.scopeType as ScopeType : 'department', scope: optionalString(data.scope) });

/** The person to show: the user, or one of their direct reports (checked against the directory, not the card). */
async function personFor(deps: HandlerDeps, turn: Turn, requestedId: string | undefined): Promise<{ person: DirectoryUser; reports: DirectoryUser[] }> {
  const me = turn.user as DirectoryUser;
  const reports = await deps.directory.getDirectReports(me.id);
  const person = typeof requestedId === 'string' ? reports.find((r) => r.id === requestedId) ?? me : me;
  return { person, reports };
}

/** "Mitä valtuuksia tarvitsen?": the map's suggestions with each theme's status for this person. */
export async function showSuggestions(deps: HandlerDeps, turn: Turn, input: SuggestInput, notice?: string): Promise<AdaptiveCard> {
  const { person, reports } = await personFor(deps, turn, input.personId);
  const [map, themes, { grants, orders }] = await Promise.all([deps.catalog.mandateMap(), deps.catalog.themes(), personView(deps, person.id)]);
  const today = helsinkiDate(deps.now());
  const items: SuggestionView[] = [];
  for (const s of map.suggest(person)) {
    const theme = themes.get(s.themeId);
    if (!theme) continue;
    // Held beyond its renewal window: not orderable; inside the window: orderable as a continuation.
    const renewal = statusFor(deps, grants, theme, theme.id, today);
    const open = orders.find((o) => (OPEN_STATUSES as readonly string[]).includes(o.status) && o.openThemeIds.includes(theme.id));
    let status: string;
    let orderable = false;
    if (renewal.kind === 'held') status = turn.tr('suggest.status.held', { date: formatDate(turn.lang, renewal.current.validUntil) });
    else if (open) status = turn.tr('suggest.status.open', { number: open.number });
    else if (!theme.active) status = turn.tr('suggest.status.hidden');
    else {
      orderable = true;
      status = renewal.kind === 'continuation' ? turn.tr('renewal.suggestStatus', { date: formatDate(turn.lang, renewal.current.validUntil) })
        : theme.heldByOrganisation
        ? turn.tr('suggest.status.orderable', { days: PATH1_WORKING_DAYS })
        : turn.tr('suggest.status.missing', { min: PATH2_WEEKS.min, max: PATH2_WEEKS.max });
    }
    const why = s.reasons.map((r) => r.why[turn.lang] || r.why.fi).filter(Boolean).join(' ');
    items.push({ themeId: theme.id, name: theme.name[turn.lang] || theme.name.fi, eservice: eserviceIn(theme, turn.lang), why, status, orderable });
  }
  const me = turn.user as DirectoryUser;
  return suggestionsCard(turn.tr, {
    title: person.id === me.id ? turn.tr('suggest.title') : turn.tr('suggest.titleFor', { name: person.displayName }),
    basis: turn.tr('suggest.basis', { department: person.department, serviceArea: person.serviceArea, jobTitle: person.jobTitle }),
    items,
    forUserId: person.id,
    reports: reports.map((r) => ({ id: r.id, label: `${r.displayName}, ${r.jobTitle}` })),
    emptyMessage: turn.tr('suggest.none', { jobTitle: person.jobTitle, serviceArea: person.serviceArea }),
    notice,
  });
}

/** "Tilaa valitut": opens the order form with the ticked themes, for the person the view was for. */
export async function orderSuggested(deps: HandlerDeps, turn: Turn, input: OrderSuggestedInput): Promise<AdaptiveCard> {
  const themes = await deps.catalog.themes();
  const picked = input.themes.split(',').map((s) => s.trim()).filter((id) => themes.get(id)?.active);
  if (!picked.length) return showSuggestions(deps, turn, input, turn.tr('suggest.nothingSelected'));
  const { person } = await personFor(deps, turn, input.forUserId);
  return openOrderForm(deps, turn, picked, person.id);
}

/** Browse the map by department, service area or job title. */
export async function browseMap(deps: HandlerDeps, turn: Turn, { scopeType, scope: requested }: BrowseInput): Promise<AdaptiveCard> {
  const [map, themes] = await Promise.all([deps.catalog.mandateMap(), deps.catalog.themes()]);
  const scopes = map.scopes(scopeType);
  const scope = requested !== undefined && scopes.includes(requested) ? requested : undefined;
  const rows = scope ? map.rowsFor(scopeType, scope).map((r) => {
    const t = themes.get(r.themeId);
    return { name: t ? (t.name[turn.lang] || t.name.fi) : r.themeId, eservice: t ? eserviceIn(t, turn.lang) : '', why: r.why[turn.lang] || r.why.fi };
  }) : [];
  return mapBrowseCard(turn.tr, { scopeType, scopes, scope, rows });
}
