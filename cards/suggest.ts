import { card, heading, text, subtle, execute, container, plain, type AdaptiveCard, type Element } from './card';
import type { Translate } from '../bot/i18n';

export interface SuggestionView {
  themeId: string;
  name: string;
  eservice: string;
  why: string;
  status: string;
  /** Whether it can be ticked for ordering (not held, no open order, active). */
  orderable: boolean;
}

export interface SuggestionsData {
  title: string;
  basis: string;
  items: SuggestionView[];
  /** The person the view is for (a manager may look at a report). */
  forUserId: string;
  /** Direct reports (for managers), to switch the view. */
  reports: Array<{ id: string; label: string }>;
  emptyMessage?: string;
  notice?: string;
}

/** "Mitä valtuuksia tarvitsen?": each suggested theme with why, e-service and status; tick several and order. */
export function suggestionsCard(tr: Translate, d: SuggestionsData): AdaptiveCard {
  const body: Element[] = [heading(d.title), subtle(d.basis)];
  if (d.notice) body.push(text(d.notice, { color: 'Attention' }));
  if (!d.items.length && d.emptyMessage) body.push(text(d.emptyMessage));
  for (const item of d.items) {
    body.push(container([
      text(`**${plain(item.name)}** (${plain(item.eservice)})`),
      text(plain(item.why), { size: 'Small', spacing: 'None' }),
      text(item.status, { size: 'Small', spacing: 'None', weight: 'Bolder', color: item.orderable ? 'Accent' : 'Good' }),
    ], { separator: true }));
  }
  const orderable = d.items.filter((i) => i.orderable);
  const actions = [];
  if (orderable.length) {
    body.push({ type: 'Input.ChoiceSet', id: 'themes', label: tr('suggest.pick'), isMultiSelect: true, style: 'expanded',
      value: orderable.map((i) => i.themeId).join(','), choices: orderable.map((i) => ({ title: i.name, value: i.themeId })) });
    actions.push(execute(tr('suggest.orderSelected'), 'orderSuggested', { forUserId: d.forUserId }, { style: 'positive' }));
  }
  if (d.reports.length) {
    body.push(container([
      { type: 'Input.ChoiceSet', id: 'reportId', label: tr('suggest.forReport'), choices: d.reports.map((r) => ({ title: r.label, value: r.id })) },
      { type: 'ActionSet', actions: [execute(tr('suggest.show'), 'suggestFor', {})] },
    ], { separator: true }));
  }
  actions.push(execute(tr('suggest.browse'), 'browseMap', {}));
  return card(body, actions);
}

export interface MapBrowseData {
  scopeType: string;
  scopes: string[];
  scope?: string;
  rows: Array<{ name: string; eservice: string; why: string }>;
}

/** The valtuuskartta as the seed's page showed it: pick a department, service area or job title; see theme, e-service, why. */
export function mapBrowseCard(tr: Translate, d: MapBrowseData): AdaptiveCard {
  const body: Element[] = [
    heading(tr('map.title')),
    { type: 'Input.ChoiceSet', id: 'scopeType', label: tr('map.scopeType'), value: d.scopeType, choices: [
      { title: tr('map.department'), value: 'department' },
      { title: tr('map.serviceArea'), value: 'serviceArea' },
      { title: tr('map.jobTitle'), value: 'jobTitle' },
    ] },
    { type: 'Input.ChoiceSet', id: 'scope', label: tr('map.scope'), style: 'filtered', value: d.scope ?? '', choices: d.scopes.map((s) => ({ title: s, value: s })) },
    { type: 'ActionSet', actions: [execute(tr('suggest.show'), 'browseMap', {})] },
  ];
  if (d.scope) {
    body.push(heading(tr('map.rowsTitle', { scope: d.scope })));
    if (!d.rows.length) body.push(text(tr('map.empty')));
    for (const r of d.rows) {
      body.push(container([
        text(`**${plain(r.name)}** — ${plain(r.eservice)}`, { size: 'Small' }),
        text(plain(r.why), { size: 'Small', spacing: 'None', isSubtle: true }),
      ], { separator: true }));
    }
  }
  return card(body);
}
