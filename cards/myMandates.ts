/**
 * "Omat valtuudet" and "Alaisteni valtuudet": register entries as a person reads them. The presenter decides
 * what is shown and in which order; this file lays it out and keeps the card under Teams' size limit by
 * cutting at a whole row or person with an "and N more" line (names and theme lists have no fixed length).
 */
import { card, fitElements, heading, text, subtle, container, submit, plain, type AdaptiveCard, type Element } from './card';
import { formatDate, type Lang, type MessageKey, type Translate } from '../bot/i18n';
import type { RegisterState } from '../bot/domain/register';
import { renewData } from './renewalReminder';

/** One entry as shown: the theme and e-service in the reader's language, the validity, the state on today. */
export interface MandateRow {
  theme: string; eservice: string; validFrom: string; validUntil: string; state: RegisterState;
  /** Set on the holder's own entry inside its renewal window: the renew button's data (the entry's key). */
  renew?: { themeId: string; validFrom: string };
}

/** One direct report in the manager's view, with the entries shown for them. */
export interface TeamMember { name: string; jobTitle: string; rows: MandateRow[] }

/**
 * Rows one card shows. A fixed count, so the card says the same in every language: with the catalog's longest
 * names an own row is about 650 bytes (36 fit), a manager's one-line row about 230 (a person's name counts as a row).
 */
const MAX_ROWS = 36;
const MAX_TEAM_ROWS = 96;
/**
 * The safety net under MAX_ROWS for names longer than any the catalog has: Teams refuses a card over 28 KB (the
 * whole activity counts), so the rows stop below it and the heading, the "more" line and the buttons fit in what is left.
 */
const ROWS_BUDGET_BYTES = 24_000;
/** Rows under one person in the manager's view, so one long register does not push the others off the card. */
const MAX_ROWS_PER_PERSON = 6;

const STATE_COLOR: Record<RegisterState, string> = { expiring: 'Warning', active: 'Good', upcoming: 'Accent', expired: 'Default', revoked: 'Default' };


/** The person's own entries; an empty register says so and offers the order form. */
export function myMandatesCard(tr: Translate, lang: Lang, rows: MandateRow[]): AdaptiveCard {
  const actions = [submit(tr('menu.order'), 'menuOrder'), submit(tr('menu.myOrders'), 'menuMyOrders')];
  if (!rows.length) return card([heading(tr('mandates.title')), text(tr('mandates.none'))], actions);
  const shown = fitElements(leadingRows(rows).map((r) => rowElement(tr, lang, r)), ROWS_BUDGET_BYTES);
  return card([
    heading(tr('mandates.title')),
    subtle(tr('mandates.hint')),
    ...shown,
    ...(shown.length < rows.length ? [subtle(tr('mandates.more', { count: rows.length - shown.length }))] : []),
  ], actions);
}

/** The manager's direct reports, each with their entries; people who do not fit are counted, not dropped silently. */
export function teamMandatesCard(tr: Translate, lang: Lang, members: TeamMember[]): AdaptiveCard {
  const shown = fitElements(withinRows(members).map((m) => memberElement(tr, lang, m)), ROWS_BUDGET_BYTES);
  return card([
    heading(tr('mandates.teamTitle')),
    subtle(tr('mandates.teamIntro')),
    ...shown,
    ...(shown.length < members.length ? [text(tr('mandates.teamMore', { count: members.length - shown.length }), { separator: true })] : []),
  ], [submit(tr('menu.myMandates'), 'menuMyMandates'), submit(tr('menu.order'), 'menuOrder')]);
}

/** A row with a renew button weighs this many rows (the button is about a third of a row's bytes). */
const RENEW_ROW_WEIGHT = 1.3;

/** The leading rows that fit in MAX_ROWS, a row with a renew button weighing more (the same count in every language). */
function leadingRows(rows: MandateRow[]): MandateRow[] {
  let used = 0;
  const out: MandateRow[] = [];
  for (const r of rows) {
    used += r.renew ? RENEW_ROW_WEIGHT : 1;
    if (used > MAX_ROWS) break;
    out.push(r);
  }
  return out;
}

/** The leading members whose name and rows fit in MAX_TEAM_ROWS (at least one). */
function withinRows(members: TeamMember[]): TeamMember[] {
  let used = 0;
  const out: TeamMember[] = [];
  for (const m of members) {
    used += 1 + Math.max(1, Math.min(m.rows.length, MAX_ROWS_PER_PERSON));
    if (out.length && used > MAX_TEAM_ROWS) break;
    out.push(m);
  }
  return out;
}


function rowElement(tr: Translate, lang: Lang, row: MandateRow): Element {
  return container([{ type: 'ColumnSet', columns: [
    { type: 'Column', width: 'stretch', items: [
      text(`**${plain(row.theme)}**`, { spacing: 'None' }),
      subtle(`${row.eservice ? `${plain(row.eservice)} · ` : ''}${formatDate(lang, row.validFrom)} – ${formatDate(lang, row.validUntil)}`),
    ] },
    { type: 'Column', width: 'auto', verticalContentAlignment: 'Center', items: [
      text(tr(`mandates.state.${row.state}` as MessageKey), { size: 'Small', weight: 'Bolder', color: STATE_COLOR[row.state] }),
    ] },
  ] }, ...(row.renew ? [{ type: 'ActionSet', actions: [submit(tr('renewal.order'), 'menuRenew', renewData(row.renew))] }] : [])], { separator: true });
}

/** A report's entry on one line: theme, validity and state (the e-service is on the holder's own view). */
function teamRowElement(tr: Translate, lang: Lang, row: MandateRow): Element {
  return text(`${plain(row.theme)} · ${formatDate(lang, row.validFrom)} – ${formatDate(lang, row.validUntil)} · **${tr(`mandates.state.${row.state}` as MessageKey)}**`,
    { size: 'Small', spacing: 'Small', ...(row.state === 'expiring' ? { color: 'Warning' } : {}) });
}

function memberElement(tr: Translate, lang: Lang, member: TeamMember): Element {
  const rows = member.rows.slice(0, MAX_ROWS_PER_PERSON);
  return container([
    text(`**${plain(member.name)}**`, { size: 'Medium' }),
    ...(member.jobTitle ? [subtle(plain(member.jobTitle))] : []),
    ...(rows.length ? rows.map((r) => teamRowElement(tr, lang, r)) : [subtle(tr('mandates.teamNoneFor'))]),
    ...(member.rows.length > rows.length ? [subtle(tr('mandates.more', { count: member.rows.length - rows.length }))] : []),
  ], { separator: true, spacing: 'Large' });
}
