import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  cardActions, cardInputs, cardSize, cardTexts, sampleOrder, SAMPLE_HETU, TEAMS_CARD_LIMIT_BYTES, testHetu, validateCard,
} from '../helpers/cardCheck';
import { card as rawCard, heading, text, facts, container, type AdaptiveCard } from '../../cards/card';
import { menuCard, languageCard } from '../../cards/menu';
import { orderFormCard, ORDER_FIELDS, type OrderField, type OrderFormData, type OrderFormValues } from '../../cards/orderForm';
import { confirmationCard } from '../../cards/confirmation';
import { myOrdersCard, myOrderDetailsCard } from '../../cards/myOrders';
import { adminOrderCard } from '../../cards/adminOrder';
import { verbInputCard, grantGuideCard, type GuideData } from '../../cards/adminForms';
import { managerApprovalCard, signatureCard } from '../../cards/requests';
import { glossaryTermCard, glossaryListCard, glossarySuggestionsCard } from '../../cards/glossary';
import { suggestionsCard, mapBrowseCard, type SuggestionView } from '../../cards/suggest';
import { digestCard, type DigestRow } from '../../cards/digest';
import { catalogHeldCard } from '../../cards/catalogHeld';
import { registerSearchCard, registerSearchAnswerCard, registerExportCard, type SearchAnswerView } from '../../cards/registerSearch';
import { myMandatesCard, teamMandatesCard, type MandateRow, type TeamMember } from '../../cards/myMandates';
import { taskCard, taskActionCard, type TaskView } from '../../cards/registerTask';
import { reviewDoneCard, reviewAnsweredCard } from '../../cards/reviewTask';
import { reviewProgressCard } from '../../cards/reviewProgress';
import { overdueReviewsBlock, expiringBlock } from '../../cards/digest';
import type { RegisterState } from '../../bot/domain/register';
import { LANGS, formatDate, translator, type Lang, type MessageKey, type Params, type Translate } from '../../bot/i18n';
import { loadSeedCatalog, loadSeedGlossary } from '../../bot/catalog/seed';
import { availableVerbs } from '../../bot/domain/adminVerbs';
import { isHetuLike } from '../../bot/domain/hetu';
import { formatOrderNumber, type LineStage, type Order, type OrderLine, type OrderStatus } from '../../bot/domain/order';
import type { AuditEvent } from '../../bot/domain/audit';
import type { Theme } from '../../bot/domain/catalog';
import { PATH1_WORKING_DAYS, PATH2_WEEKS } from '../../bot/domain/paths';
import { buildDigest } from '../../bot/presenters/digest';
import type { HandlerDeps } from '../../bot/handlers/turn';
import { setupCard } from '../../cards/setup';
import { renewalReminderCard } from '../../cards/renewalReminder';
import type { ExpiringRow } from '../../cards/digest';
import { setupChecks } from '../../bot/domain/setupCheck';

// ---------------------------------------------------------------------------------------------------------
// Fixtures: the seed catalog and glossary, people of the sample organisation, orders in every state.
// ---------------------------------------------------------------------------------------------------------

const catalog = loadSeedCatalog();
const THEMES = catalog.themes;
const glossary = loadSeedGlossary();
const NOW = new Date('2026-03-16T10:00:00Z');
const TODAY = '2026-03-16';
const ORG_NAME: Record<Lang, string> = { fi: 'Porvoon kaupunki', sv: 'Borgå stad', en: 'City of Porvoo' };
const ME = { id: 'aad-00000000-0000-4000-8000-000000000101', displayName: 'Maija Virtanen' };
const REPORTS = [
  { id: 'aad-00000000-0000-4000-8000-000000000102', label: 'Matti Meikäläinen, Palkanlaskija' },
  { id: 'aad-00000000-0000-4000-8000-000000000103', label: 'Liisa Korhonen, Henkilöstöasiantuntija' },
  { id: 'aad-00000000-0000-4000-8000-000000000104', label: 'Pekka Nieminen, Palkanlaskija' },
  { id: 'aad-00000000-0000-4000-8000-000000000105', label: 'Anna-Kaisa Lindqvist, Koulusihteeri' },
  { id: 'aad-00000000-0000-4000-8000-000000000106', label: 'Johan Söderström, Skolsekreterare' },
  { id: 'aad-00000000-0000-4000-8000-000000000107', label: 'Sanna Mäkinen, Omavalmentaja' },
];
const PEOPLE = ['Matti Meikäläinen', 'Liisa Korhonen', 'Pekka Nieminen', 'Anna-Kaisa Lindqvist', 'Johan Söderström', 'Sanna Mäkinen',
  'Juha-Pekka Hämäläinen', 'Kristiina Westerlund'];
const ADMIN = { id: 'aad-00000000-0000-4000-8000-0000000000a1', name: 'Anneli Ahonen' };

const themeName = (t: Theme, lang: Lang): string => t.name[lang] || t.name.fi;
const themeById = (id: string): Theme => {
  const t = THEMES.find((x) => x.id === id);
  if (!t) throw new Error(`seed catalog has no theme ${id}`);
  return t;
};
const pathShort = (tr: Translate, t: Theme): string => tr(t.heldByOrganisation ? 'path.existingShort' : 'path.missingShort');

/** A line for a catalog theme as submitOrder makes it (the Finnish name is stored), in the given stage. */
function lineFor(theme: Theme, stage: LineStage, extra: Partial<OrderLine> = {}): OrderLine {
  const existing = theme.heldByOrganisation;
  return {
    themeId: theme.id, themeName: theme.name.fi, eservice: theme.eservice, path: existing ? 'existing' : 'missing', stage,
    earliest: existing ? '2026-03-17' : '2026-04-13', due: existing ? '2026-03-19' : '2026-04-27', ...extra,
  };
}

/** An order whose lines are in every stage a line can be in (so every line verb shows). */
function everyStageOrder(overrides: Partial<Order> = {}): Order {
  const held = THEMES.filter((t) => t.heldByOrganisation);
  return sampleOrder({
    assigneeId: ADMIN.id, assigneeName: ADMIN.name, updatedAt: '2026-03-25T12:40:11.120Z',
    lines: [
      lineFor(held[0], 'toGrant'),
      lineFor(themeById('tulliasioiden-hoito'), 'review'),
      lineFor(themeById('koulujakelutuen-hakeminen'), 'applicationPrepared'),
      lineFor(themeById('kaupparekisteri-ilmoituksen-tekeminen'), 'signed'),
      lineFor(themeById('tieliikennelupien-yllapito'), 'sentToDvv'),
      lineFor(held[1], 'granted', { grantedFrom: '2026-03-17', grantedUntil: '2027-12-31', grantedBy: ADMIN.id }),
      lineFor(themeById('vaikuttamistoiminnasta-ilmoittaminen'), 'dvvRefused', { refusalReason: 'Organisaatio ei ole ilmoitusvelvollinen avoimuusrekisteriin.' }),
      lineFor(held[2], 'closed'),
    ],
    ...overrides,
  });
}

/** The most an order can hold: 20 catalog themes (the longest names) and one described theme, a 2000-character justification. */
function largestOrder(): Order {
  const longest = [...THEMES].sort((a, b) => (b.name.fi.length + b.eservice.length) - (a.name.fi.length + a.eservice.length)).slice(0, 20);
  const custom: OrderLine = { themeId: null, themeName: 'Hilmo-ilmoitusten tekeminen hoitojaksoista', eservice: 'THL, Hilmo-palvelu', path: 'missing', stage: 'review',
    earliest: '2026-04-13', due: '2026-04-27' };
  return sampleOrder({ lines: [...longest.map((t) => lineFor(t, t.heldByOrganisation ? 'toGrant' : 'review')), custom], justification: LONG_JUSTIFICATION.repeat(12).slice(0, 2000) });
}

const STATUSES: OrderStatus[] = ['open', 'awaitingApproval', 'waitingForInfo', 'completed', 'rejected', 'declined', 'cancelled'];

/** n orders of the same requester: different people, themes, statuses and due dates. */
function manyOrders(n: number): Order[] {
  return Array.from({ length: n }, (_, i) => {
    const [givenName, ...rest] = PEOPLE[i % PEOPLE.length].split(' ');
    const a = THEMES[(i * 5) % THEMES.length];
    const b = THEMES[(i * 7 + 3) % THEMES.length];
    const base = sampleOrder();
    return sampleOrder({
      id: `ord-202603${String(10 + (i % 18)).padStart(2, '0')}-${String(i).padStart(4, '0')}`,
      number: formatOrderNumber(2026, 40 + i),
      status: STATUSES[i % STATUSES.length],
      subject: { ...base.subject, givenName, surname: rest.join(' ') },
      lines: [lineFor(a, 'toGrant', { due: `2026-0${3 + (i % 6)}-1${i % 10}` }), lineFor(b, 'review')],
    });
  });
}

/** The order history as the services write it (handler already dropped denied attempts and reveals). */
function realisticHistory(cycles = 1): AuditEvent[] {
  const ev = (at: string, actorId: string, action: string, from: string, to: string, extra: Partial<AuditEvent> = {}): AuditEvent =>
    ({ at: `2026-03-${at}:00.000Z`, actorId, action, from, to, ...extra });
  const events: AuditEvent[] = [
    ev('16T08:15', ME.id, 'submit', 'new', 'open'),
    ev('16T09:02', ADMIN.id, 'claim', 'unassigned', 'claimed'),
  ];
  for (let i = 0; i < cycles; i++) {
    events.push(
      ev(`16T09:3${i}`, ADMIN.id, 'ask', 'open', 'waitingForInfo', { reason: 'Mihin Tullin asiointia tarvitaan? Onko kyse työmatkoilla ostetuista laitteista?' }),
      ev(`16T11:0${i}`, ME.id, 'answer', 'waitingForInfo', 'open', { reason: 'Kyllä, työmatkoilla hankittujen mittalaitteiden tullaukseen.' }),
    );
  }
  events.push(
    ev('17T10:00', ADMIN.id, 'inviteMeeting', 'review', 'review', { reason: '2026-03-20 10:00', detail: 'meeting' }),
    ev('20T13:20', ADMIN.id, 'markPrepared', 'review', 'applicationPrepared', { detail: 'line1' }),
    ev('23T08:45', 'aad-signatory', 'sign', 'applicationPrepared', 'signed', { detail: 'line1' }),
    ev('24T09:10', ADMIN.id, 'markSent', 'signed', 'sentToDvv', { reason: '2026-03-24', detail: 'line1' }),
    ev('17T12:30', ADMIN.id, 'confirmGrant', 'line0:toGrant', 'line0:granted', { detail: 'palkkatietojen-ilmoittaminen' }),
    ev('25T07:00', 'system', 'hetuPurged', 'open', 'open', { reason: 'retention 30 d' }),
    ev('25T12:00', ADMIN.id, 'release', 'claimed', 'unassigned', { detail: 'self' }),
    ev('25T12:40', ADMIN.id, 'dvvDecision', 'line1:sentToDvv', 'dvvGranted', { detail: 'tulliasioiden-hoito' }),
    ev('25T13:05', ADMIN.id, 'ask', 'open', 'waitingForInfo', { reason: 'Riittääkö voimassaolo vuoden 2027 loppuun?' }),
  );
  return events;
}

/** What people typed into the history (questions, answers, times): data. The system's own reasons are not. */
const peopleTyped = (history: AuditEvent[]): string[] => history.filter((h) => h.actorId !== 'system').map((h) => h.reason ?? '');

/** The order the history above leads to: line 0 granted, line 1 granted by DVV and waiting, a question open. */
function detailsOrder(): Order {
  const o = sampleOrder({ status: 'waitingForInfo', question: 'Riittääkö voimassaolo vuoden 2027 loppuun?', updatedAt: '2026-03-25T13:05:00.000Z' });
  o.lines[0] = { ...o.lines[0], stage: 'granted', grantedFrom: '2026-03-17', grantedUntil: '2027-12-31', grantedBy: ADMIN.id };
  o.lines[1] = { ...o.lines[1], stage: 'toGrant' };
  return o;
}

const LONG_JUSTIFICATION = 'Palkanlaskija ilmoittaa kuukausittain palkkatiedot tulorekisteriin, hakee Kelan työnantajan asiointipalvelussa '
  + 'päivärahoja ja perhevapaakorvauksia sekä tarkastaa etuuspäätökset. Lisäksi tehtävään kuuluu työterveyshuollon korvausten '
  + 'hakeminen ja tilinumeron ilmoittaminen. ';
const TYPED: Required<OrderFormValues> = {
  subjectId: REPORTS[2].id,
  givenName: 'Pekka',
  surname: 'Nieminen-Åkerlund',
  hetu: '151385-123A',
  department: 'Konsernipalvelut\u0007',
  themes: [THEMES[0].id, THEMES[2].id, themeById('tieliikennelupien-yllapito').id].join(','),
  customThemeName: 'Hilmo-ilmoitusten tekeminen',
  customThemeEservice: 'THL, Hilmo-palvelu',
  justification: LONG_JUSTIFICATION.repeat(12).slice(0, 2100),
  validUntil: '2031-12-31',
  requesterMail: 'maija.virtanen@porvoo',
  themeQuery: 'kelmu',
};
/** An error on every field of the form, each a different message (as translateErrors passes them). */
const FORM_ERRORS: Record<OrderField, [MessageKey, Params?]> = {
  subjectId: ['err.subject'],
  givenName: ['err.tooShort', { min: 2 }],
  surname: ['err.tooLong', { max: 100 }],
  hetu: ['err.hetu.date'],
  department: ['err.textControl'],
  themes: ['err.themes.inactive', { name: 'Tieliikennelupien ylläpito' }],
  customThemeName: ['err.themes.customIncomplete'],
  customThemeEservice: ['err.required'],
  justification: ['err.tooLong', { max: 2000 }],
  validUntil: ['err.dateRange', { min: '2026-03-17', max: '2029-03-16' }],
  requesterMail: ['err.email'],
};
const formErrors = (tr: Translate): Partial<Record<OrderField, string>> =>
  Object.fromEntries(ORDER_FIELDS.map((f) => [f, tr(FORM_ERRORS[f][0], FORM_ERRORS[f][1])]));

/** The biggest order form a manager can get: 7 people, 25 theme choices, every field typed and wrong. */
function largestOrderForm(tr: Translate, lang: Lang): OrderFormData {
  return {
    token: '3f6c2a7e-0d1b-4c9a-9e57-6b1f0f8d2c41',
    subjects: [{ id: ME.id, label: `${tr('order.forMyself')} (${ME.displayName})` }, ...REPORTS],
    values: TYPED,
    themeChoices: THEMES.slice(0, 25).map((t) => ({ id: t.id, name: themeName(t, lang), eservice: t.eservice, pathShort: pathShort(tr, t) })),
    searchNote: tr('order.noThemesFound', { query: TYPED.themeQuery }),
    errors: formErrors(tr),
    minDate: '2026-03-17',
    maxDate: '2029-03-16',
  };
}

/** The form as an employee without reports first sees it: suggestions from the map, nothing typed. */
function firstOrderForm(tr: Translate, lang: Lang): OrderFormData {
  const suggested = catalog.map.filter((r) => r.scope === 'Palkanlaskija').map((r) => themeById(r.themeId));
  return {
    token: 'a1b2c3d4-0000-4000-8000-000000000001', subjects: [{ id: ME.id, label: `${tr('order.forMyself')} (${ME.displayName})` }],
    values: {}, themeChoices: suggested.map((t) => ({ id: t.id, name: themeName(t, lang), eservice: t.eservice, pathShort: pathShort(tr, t) })),
    errors: {}, minDate: '2026-03-17', maxDate: '2029-03-16',
  };
}

function suggestionItems(tr: Translate, lang: Lang): SuggestionView[] {
  const rows = catalog.map.filter((r) => r.scopeType === 'jobTitle' && r.scope === 'Palkanlaskija')
    .concat(catalog.map.filter((r) => r.scope === 'Rahoitus ja strategia'));
  const statuses = [
    { status: tr('suggest.status.held', { date: formatDate(lang, '2027-06-30') }), orderable: false },
    { status: tr('suggest.status.open', { number: 'VB-2026-00031' }), orderable: false },
    { status: tr('suggest.status.orderable', { days: PATH1_WORKING_DAYS }), orderable: true },
    { status: tr('suggest.status.missing', { min: PATH2_WEEKS.min, max: PATH2_WEEKS.max }), orderable: true },
    { status: tr('suggest.status.hidden'), orderable: false },
  ];
  return rows.map((r, i) => {
    const t = themeById(r.themeId);
    return { themeId: t.id, name: themeName(t, lang), eservice: t.eservice, why: r.why[lang] || r.why.fi, ...statuses[i % statuses.length] };
  });
}

function mapRows(lang: Lang, scope: string): Array<{ name: string; eservice: string; why: string }> {
  return catalog.map.filter((r) => r.scope === scope).map((r) => {
    const t = themeById(r.themeId);
    return { name: themeName(t, lang), eservice: t.eservice, why: r.why[lang] || r.why.fi };
  });
}
const JOB_TITLES = [...new Set(catalog.map.filter((r) => r.scopeType === 'jobTitle').map((r) => r.scope))];

function digestRows(tr: Translate, n: number): DigestRow[] {
  return manyOrders(n).map((o, i) => ({
    number: o.number, subject: `${o.subject.givenName} ${o.subject.surname}`, days: 40 - (i % 40),
    path: tr(i % 3 ? 'path.existingShort' : 'path.missingShort'), status: tr(`status.${STATUSES[i % 3]}` as MessageKey),
    due: `2026-0${3 + (i % 6)}-2${i % 9}`, overdue: i % 4 === 0,
  }));
}

const REGISTER_STATES: RegisterState[] = ['expiring', 'active', 'upcoming', 'expired', 'revoked'];

/** n register rows over the catalog's themes, in every state, the theme and e-service in the reader's language. */
function mandateRows(lang: Lang, n: number): MandateRow[] {
  return Array.from({ length: n }, (_, i) => {
    const t = THEMES[i % THEMES.length];
    return { theme: themeName(t, lang), eservice: t.eservice, validFrom: `2026-0${1 + (i % 9)}-0${1 + (i % 9)}`, validUntil: `2027-1${i % 3}-2${i % 9}`,
      state: REGISTER_STATES[i % REGISTER_STATES.length] };
  });
}

/** n direct reports with long names and titles, each with `rows` entries (some with none). */
function teamMembers(lang: Lang, n: number, rows: number): TeamMember[] {
  return Array.from({ length: n }, (_, i) => ({ name: `${PEOPLE[i % PEOPLE.length]} ${i}`,
    jobTitle: REPORTS[i % REPORTS.length].label.split(', ')[1], rows: i % 7 === 3 ? [] : mandateRows(lang, rows + (i % 4)) }));
}
const REGISTER_NEUTRAL = [THEMES.map((t) => [t.name.fi, t.name.sv, t.name.en, t.eservice]), PEOPLE, REPORTS];

/** The catalog's longest theme name (the renewal cards' worst case). */
const LONGEST_THEME = [...THEMES].sort((a, b) => b.name.fi.length - a.name.fi.length)[0];
/** n entries ending soon, as the digest lists them (the longest names, every renewal state). */
function expiringRows(n: number): ExpiringRow[] {
  const states: ExpiringRow['renewal'][] = ['none', 'ordered', 'recorded'];
  return Array.from({ length: n }, (_, i) => ({ person: PEOPLE[i % PEOPLE.length], theme: LONGEST_THEME.name.fi, validUntil: `2026-12-${String(1 + (i % 28)).padStart(2, '0')}`,
    renewal: states[i % 3] }));
}
/** An order whose first line continues a held entry (a renewal from 20.12.2026). */
function continuationOrder(): ReturnType<typeof sampleOrder> {
  const o = sampleOrder();
  return { ...o, lines: o.lines.map((l, i) => (i === 0 ? { ...l, continuationOf: { validFrom: '2025-12-20', validUntil: '2026-12-20' }, proposedStart: '2026-12-20' } : l)) };
}

const glossaryTermWithAka = glossary.terms.find((t) => t.aka.length > 1) ?? glossary.terms[0];

/** A theme whose guide needs every extra: another valtuustyyppi, a tarkenne and the e-service's instructions. */
const GUIDE_THEME: Theme = { ...loadSeedCatalog().themes[0], mandateType: 'edustajanValtuutusoikeus', specifier: 'TYPO',
  instructionsUrl: 'https://www.te-palvelut.fi/tyonantajalle/valtuuttamisohje' };

const guide = (lang: Lang, extra: Partial<GuideData> = {}): GuideData =>
  ({ order: sampleOrder(), line: 0, orgName: ORG_NAME[lang], defaultFrom: TODAY, ...extra });

function must<T>(value: T | undefined, what: string): T {
  assert.ok(value !== undefined, `${what} built no card`);
  return value;
}

// Inputs of the administrators' one-field forms, as bot/handlers/admin.ts builds them.
const multiline = (tr: Translate, label: MessageKey): Record<string, unknown> & { type: string } =>
  ({ type: 'Input.Text', label: tr(label), isMultiline: true, maxLength: 2000 });

// ---------------------------------------------------------------------------------------------------------
// Every card builder, in its realistic and its largest shapes.
// ---------------------------------------------------------------------------------------------------------

const TASK_NEUTRAL = ['Mikko Virtanen', 'Konsernipalvelut', 'Aino Manninen', 'Veroilmoittaminen', 'Tulorekisteri'];

/** A register task as its card shows it: `n` mandates, open or done (with one recipient not reached). */
function sampleTaskView(kind: 'revocation' | 'review', n: number, done = false): TaskView {
  const entries = Array.from({ length: n }, (_, i) => ({ themeId: `t${i}`, themeName: i % 2 ? 'Tulorekisteri' : 'Veroilmoittaminen',
    validFrom: '2025-01-01', validUntil: '2027-12-31', ...(done ? { revokedOn: '2026-11-30' } : {}) }));
  return {
    task: { id: 'task-rv-x-1', kind, reason: kind === 'review' ? 'review' : 'left', personId: 'p1', personName: 'Mikko Virtanen',
      department: 'Konsernipalvelut', managerId: 'm1', entries, createdAt: '2026-11-30T08:00:00Z', dueOn: '2026-12-01',
      status: done ? 'done' : 'open', adminCard: null, unreachable: done ? ['m1'] : [], ...(done ? { doneAt: '2026-11-30T09:00:00Z', doneBy: 'a1' } : {}) },
    personName: 'Mikko Virtanen', department: 'Konsernipalvelut', managerName: 'Aino Manninen', doneByName: done ? 'Aino Manninen' : '',
    unreachableNames: done ? ['Aino Manninen'] : [],
  };
}

/** A review answered: every other line kept, the rest revoked (or all kept); answered on the manager's behalf or not. */
function answeredReview(n: number, allKept: boolean, managerAsked: boolean): TaskView & { managerAsked: boolean } {
  const v = sampleTaskView('review', n, true);
  return { ...v, managerAsked, unreachableNames: [], task: { ...v.task, entries: v.task.entries.map((e, i) => ({ ...e, revokedOn: undefined, decision: allKept || i % 2 ? 'keep' as const : 'revoke' as const })) } };
}

const DEPARTMENTS = ['Konsernipalvelut', 'Sivistyspalvelut', 'Sosiaali- ja terveyspalvelut', 'Kaupunkikehitys'];
const reviewProgressRows = (n: number) => Array.from({ length: n }, (_, i) => ({ department: i === 1 ? '' : `${DEPARTMENTS[i % 4]} ${i}`, open: i % 5, overdue: i % 3 ? 0 : 1, answered: 10 + i, revoked: i % 4 }));
const overdueReviewRows = (n: number) => Array.from({ length: n }, (_, i) => ({ person: `Mikko Virtanen ${i}`, department: 'Konsernipalvelut', manager: 'Aino Manninen', due: '2026-12-14' }));

/** A register search's answer with `n` rows, every state, the longest theme names and people's names. */
function searchAnswer(lang: Lang, n: number): SearchAnswerView {
  const states = ['active', 'expiring', 'upcoming', 'expired', 'revoked'] as const;
  const rows = Array.from({ length: n }, (_, i) => ({ person: PEOPLE[i % PEOPLE.length], department: 'Konsernipalvelut', theme: THEMES[i % THEMES.length].name[lang],
    validFrom: '2026-01-01', validUntil: '2026-12-31', state: states[i % states.length] }));
  return { form: { by: 'theme', text: 'vero' }, matched: THEMES[0].name[lang], people: n, entries: n, byState: states.map((s) => [s, n]), rows };
}

interface Case {
  /** The exported builder (for the coverage check). */
  builder: (...args: never[]) => unknown;
  name: string;
  variant: string;
  build: (lang: Lang) => AdaptiveCard;
  /** The language-independent data shown on the card (names, numbers, typed text): may read the same in fi, sv, en. */
  neutral: readonly unknown[];
}

const CASES: Case[] = [
  { builder: menuCard, name: 'menuCard', variant: 'greeting', build: (l) => menuCard(translator(l), { firstName: 'Maija' }), neutral: ['Maija'] },
  { builder: menuCard, name: 'menuCard', variant: 'after a language change', build: (l) => menuCard(translator(l), { firstName: 'Maija', intro: translator(l)('lang.changed') }), neutral: ['Maija'] },
  { builder: menuCard, name: 'menuCard', variant: 'a manager who also signs: every role button', build: (l) => menuCard(translator(l), { firstName: 'Maija', signatory: true, manager: true }), neutral: ['Maija'] },
  { builder: myMandatesCard, name: 'myMandatesCard', variant: 'empty register', build: (l) => myMandatesCard(translator(l), l, []), neutral: [] },
  { builder: myMandatesCard, name: 'myMandatesCard', variant: 'an entry in every state', build: (l) => myMandatesCard(translator(l), l, mandateRows(l, 5)), neutral: REGISTER_NEUTRAL },
  { builder: myMandatesCard, name: 'myMandatesCard', variant: 'largest: 300 entries, cut with a count', build: (l) => myMandatesCard(translator(l), l, mandateRows(l, 300)), neutral: REGISTER_NEUTRAL },
  { builder: teamMandatesCard, name: 'teamMandatesCard', variant: 'six reports, one without entries', build: (l) => teamMandatesCard(translator(l), l, teamMembers(l, 6, 3)), neutral: REGISTER_NEUTRAL },
  { builder: teamMandatesCard, name: 'teamMandatesCard', variant: 'largest: 120 reports with up to 30 entries each', build: (l) => teamMandatesCard(translator(l), l, teamMembers(l, 120, 27)), neutral: REGISTER_NEUTRAL },
  { builder: registerSearchCard, name: 'registerSearchCard', variant: 'the empty form', build: (l) => registerSearchCard(translator(l), { by: 'person', text: '' }), neutral: ['Virtanen'] },
  { builder: registerSearchCard, name: 'registerSearchCard', variant: 'nothing found, the typed text shown plain', build: (l) => registerSearchCard(translator(l), { by: 'theme', text: '**x**', notice: translator(l)('search.noMatch', { text: '**x**' }) }), neutral: ['**x**', 'Virtanen'] },
  { builder: registerSearchAnswerCard, name: 'registerSearchAnswerCard', variant: 'a theme held by 5 people', build: (l) => registerSearchAnswerCard(translator(l), l, searchAnswer(l, 5)), neutral: [...REGISTER_NEUTRAL, 'vero', 'Konsernipalvelut', 'Virtanen'] },
  { builder: registerSearchAnswerCard, name: 'registerSearchAnswerCard', variant: 'a department larger than a search reads', build: (l) => registerSearchAnswerCard(translator(l), l, { ...searchAnswer(l, 3), partialAt: 5000 }), neutral: [...REGISTER_NEUTRAL, 'vero', 'Konsernipalvelut', 'Virtanen'] },
  { builder: registerSearchAnswerCard, name: 'registerSearchAnswerCard', variant: 'largest: 4,500 rows cut with a count', build: (l) => registerSearchAnswerCard(translator(l), l, searchAnswer(l, 4500)), neutral: [...REGISTER_NEUTRAL, 'vero', 'Konsernipalvelut', 'Virtanen'] },
  { builder: registerExportCard, name: 'registerExportCard', variant: 'the download link', build: (l) => registerExportCard(translator(l), 'https://bot.example/register/export/abc?lang=' + l, 10), neutral: ['CSV'] },
  { builder: taskCard, name: 'taskCard', variant: 'revocation, open, three mandates', build: (l) => taskCard(translator(l), l, sampleTaskView('revocation', 3)), neutral: TASK_NEUTRAL },
  { builder: taskCard, name: 'taskCard', variant: 'revocation, done, one unreachable', build: (l) => taskCard(translator(l), l, sampleTaskView('revocation', 3, true)), neutral: TASK_NEUTRAL },
  { builder: taskCard, name: 'taskCard', variant: 'revocation, open, a date refused', build: (l) => taskCard(translator(l), l, { ...sampleTaskView('revocation', 2), today: '2026-12-01', notice: translator(l)('revocation.date.future') }), neutral: TASK_NEUTRAL },
  { builder: taskCard, name: 'taskCard', variant: 'largest: revocation of 40 mandates', build: (l) => taskCard(translator(l), l, sampleTaskView('revocation', 40)), neutral: TASK_NEUTRAL },
  { builder: taskActionCard, name: 'taskActionCard', variant: 'review of five mandates', build: (l) => taskActionCard(translator(l), l, sampleTaskView('review', 5)), neutral: TASK_NEUTRAL },
  { builder: taskActionCard, name: 'taskActionCard', variant: 'largest: review of 60 mandates, half answered (the card sent back incomplete)', neutral: TASK_NEUTRAL,
    build: (l) => { const v = sampleTaskView('review', 60); return taskActionCard(translator(l), l, { ...v, task: { ...v.task, entries: v.task.entries.map((e, i) => (i % 2 ? { ...e, decision: 'keep' as const } : e)) } }); } },
  { builder: taskActionCard, name: 'taskActionCard', variant: 'a mover\'s review of two mandates', neutral: TASK_NEUTRAL,
    build: (l) => { const v = sampleTaskView('review', 2); return taskActionCard(translator(l), l, { ...v, task: { ...v.task, reason: 'moved' } }); } },
  { builder: reviewDoneCard, name: 'reviewDoneCard', variant: 'kept and revoked', build: (l) => reviewDoneCard(translator(l), answeredReview(5, false, true)), neutral: TASK_NEUTRAL },
  { builder: reviewDoneCard, name: 'reviewDoneCard', variant: 'all kept, by an administrator on the manager\'s behalf', build: (l) => reviewDoneCard(translator(l), answeredReview(3, true, false)), neutral: TASK_NEUTRAL },
  { builder: reviewDoneCard, name: 'reviewDoneCard', variant: 'largest: 60 mandates', build: (l) => reviewDoneCard(translator(l), answeredReview(60, false, false)), neutral: TASK_NEUTRAL },
  { builder: reviewAnsweredCard, name: 'reviewAnsweredCard', variant: 'answered already', build: (l) => reviewAnsweredCard(translator(l), l, answeredReview(2, true, true)), neutral: TASK_NEUTRAL },
  { builder: reviewProgressCard, name: 'reviewProgressCard', variant: 'four departments, one without a name', build: (l) => reviewProgressCard(translator(l), l, { rows: reviewProgressRows(4), since: '2025-11-30', periodicOff: false }), neutral: DEPARTMENTS },
  { builder: reviewProgressCard, name: 'reviewProgressCard', variant: 'no reviews, periodic reviews off', build: (l) => reviewProgressCard(translator(l), l, { rows: [], since: '2025-11-30', periodicOff: true }), neutral: ['REVIEW_MONTHS=0'] },
  { builder: reviewProgressCard, name: 'reviewProgressCard', variant: 'largest: 150 departments, cut with a count', build: (l) => reviewProgressCard(translator(l), l, { rows: reviewProgressRows(150), since: '2025-11-30', periodicOff: false }), neutral: DEPARTMENTS },
  { builder: digestCard, name: 'digestCard', variant: 'no open orders, 25 overdue reviews', build: (l) => digestCard(translator(l), l, [], overdueReviewsBlock(translator(l), l, overdueReviewRows(10), 25)), neutral: TASK_NEUTRAL },
  { builder: setupCard, name: 'setupCard', variant: 'installed elsewhere, settings missing and differing',
    build: (l) => setupCard(translator(l), { teamName: 'Valtuushallinta', checks: setupChecks({ teamId: '19:a@thread.tacv2', directory: 'file' }, { teamId: '19:b@thread.tacv2', channelId: '19:c@thread.tacv2', tenantId: 't-1' }) }),
    neutral: ['Valtuushallinta', 'ADMIN_TEAM_ID', 'ADMIN_CHANNEL_ID', 'MICROSOFT_APP_TENANT_ID', 'ADMIN_GROUP_ID', 'SIGNATORY_GROUP_ID', '19:b@thread.tacv2', '19:c@thread.tacv2', 't-1', 'docs/DEPLOY.md', 'DIRECTORY=graph'] },
  { builder: setupCard, name: 'setupCard', variant: 'all set',
    build: (l) => setupCard(translator(l), { checks: setupChecks({ teamId: 'T', channelId: 'C', tenantId: 't', directory: 'graph' }, { teamId: 'T', channelId: 'C', tenantId: 't' }) }),
    neutral: ['ADMIN_TEAM_ID', 'ADMIN_CHANNEL_ID', 'MICROSOFT_APP_TENANT_ID', 'ADMIN_GROUP_ID', 'SIGNATORY_GROUP_ID'] },
  // Each language is offered in its own language, the same on every card: those titles are data here.
  { builder: languageCard, name: 'languageCard', variant: 'choice', build: (l) => languageCard(translator(l)), neutral: ['Suomi', 'Svenska', 'English'] },
  { builder: orderFormCard, name: 'orderFormCard', variant: 'first view, suggested themes', build: (l) => orderFormCard(translator(l), firstOrderForm(translator(l), l)),
    neutral: [ME.displayName, THEMES.map((t) => t.eservice)] },
  { builder: orderFormCard, name: 'orderFormCard', variant: 'largest: 7 people, 25 themes, every field typed and in error',
    build: (l) => orderFormCard(translator(l), largestOrderForm(translator(l), l)), neutral: [ME.displayName, REPORTS, TYPED, THEMES.map((t) => t.eservice), 'Tieliikennelupien ylläpito'] },
  { builder: confirmationCard, name: 'confirmationCard', variant: 'new order, both paths', build: (l) => confirmationCard(translator(l), l, sampleOrder(), false), neutral: [sampleOrder()] },
  { builder: confirmationCard, name: 'confirmationCard', variant: 'largest: 21 lines', build: (l) => confirmationCard(translator(l), l, largestOrder(), false), neutral: [largestOrder()] },
  { builder: confirmationCard, name: 'confirmationCard', variant: 'replayed submit', build: (l) => confirmationCard(translator(l), l, sampleOrder(), true), neutral: [sampleOrder()] },
  { builder: myOrdersCard, name: 'myOrdersCard', variant: 'no orders', build: (l) => myOrdersCard(translator(l), l, []), neutral: [] },
  { builder: myOrdersCard, name: 'myOrdersCard', variant: 'largest: 30 orders', build: (l) => myOrdersCard(translator(l), l, manyOrders(30).map((order, i) => ({ order, overdue: i % 3 === 0 }))),
    neutral: [manyOrders(30)] },
  { builder: myOrderDetailsCard, name: 'myOrderDetailsCard', variant: 'waiting for an answer, full history', build: (l) => myOrderDetailsCard(translator(l), l, detailsOrder(), realisticHistory(4), translator(l)('my.answered')),
    neutral: [detailsOrder(), peopleTyped(realisticHistory(4))] },
  { builder: myOrderDetailsCard, name: 'myOrderDetailsCard', variant: 'short history, every event shown', build: (l) => myOrderDetailsCard(translator(l), l, detailsOrder(), realisticHistory(1)),
    neutral: [detailsOrder(), peopleTyped(realisticHistory(1))] },
  { builder: myOrderDetailsCard, name: 'myOrderDetailsCard', variant: 'closed order, refused line', build: (l) => myOrderDetailsCard(translator(l), l, everyStageOrder({ status: 'completed' }), []),
    neutral: [everyStageOrder()] },
  { builder: adminOrderCard, name: 'adminOrderCard', variant: 'new order, unclaimed', build: (l) => adminOrderCard(translator(l), l, { order: sampleOrder(), verbs: availableVerbs(sampleOrder()), unreachableNames: [] }),
    neutral: [sampleOrder()] },
  { builder: adminOrderCard, name: 'adminOrderCard', variant: 'claimed, a line in every stage, unreachable people, notice',
    build: (l) => adminOrderCard(translator(l), l, { order: everyStageOrder(), verbs: availableVerbs(everyStageOrder()), unreachableNames: ['Maija Virtanen', 'Matti Meikäläinen'],
      notice: translator(l)('admin.stale', { actor: ADMIN.name, action: translator(l)('verb.claim') }) }),
    neutral: [everyStageOrder(), ADMIN.name, 'Maija Virtanen'] },
  { builder: adminOrderCard, name: 'adminOrderCard', variant: 'largest: 21 lines, 2000-character justification', build: (l) => adminOrderCard(translator(l), l, {
    order: largestOrder(), verbs: availableVerbs(largestOrder()), unreachableNames: ['Maija Virtanen'] }), neutral: [largestOrder(), 'Maija Virtanen'] },
  { builder: adminOrderCard, name: 'adminOrderCard', variant: 'awaiting manager approval', build: (l) => adminOrderCard(translator(l), l, { order: sampleOrder({ status: 'awaitingApproval' }),
    verbs: availableVerbs(sampleOrder({ status: 'awaitingApproval' })), unreachableNames: [] }), neutral: [sampleOrder()] },
  { builder: adminOrderCard, name: 'adminOrderCard', variant: 'waiting for the requester', build: (l) => adminOrderCard(translator(l), l, {
    order: everyStageOrder({ status: 'waitingForInfo' }), verbs: availableVerbs(everyStageOrder({ status: 'waitingForInfo' })), unreachableNames: [] }), neutral: [everyStageOrder(), ADMIN.name] },
  { builder: verbInputCard, name: 'verbInputCard', variant: 'ask the requester', build: (l) => verbInputCard(translator(l), sampleOrder(), 'ask', { ...multiline(translator(l), 'admin.questionLabel'), id: 'question' }),
    neutral: [sampleOrder()] },
  { builder: verbInputCard, name: 'verbInputCard', variant: 'reject without a reason', build: (l) => verbInputCard(translator(l), sampleOrder(), 'reject',
    { ...multiline(translator(l), 'admin.reason'), id: 'reason', value: '' }, undefined, translator(l)('admin.reasonRequired')), neutral: [sampleOrder()] },
  { builder: verbInputCard, name: 'verbInputCard', variant: 'meeting time in a wrong format', build: (l) => verbInputCard(translator(l), sampleOrder(), 'inviteMeeting',
    { type: 'Input.Text', label: translator(l)('admin.meetingAt'), maxLength: 16, placeholder: '2026-12-01 10:00', id: 'when', value: 'ensi viikolla' }, 1, translator(l)('admin.invalidTime')),
  neutral: [sampleOrder()] },
  { builder: verbInputCard, name: 'verbInputCard', variant: 'sent-to-DVV date', build: (l) => verbInputCard(translator(l), everyStageOrder(), 'markSent',
    { type: 'Input.Date', label: translator(l)('admin.sentDate'), id: 'sentOn' }, 3), neutral: [everyStageOrder()] },
  { builder: verbInputCard, name: 'verbInputCard', variant: 'DVV refusal reason', build: (l) => verbInputCard(translator(l), everyStageOrder(), 'dvvRefused',
    { ...multiline(translator(l), 'admin.refusalReason'), id: 'reason' }, 4), neutral: [everyStageOrder()] },
  { builder: grantGuideCard, name: 'grantGuideCard', variant: 'checklist', build: (l) => grantGuideCard(translator(l), l, guide(l)), neutral: [sampleOrder(), ORG_NAME] },
  { builder: grantGuideCard, name: 'grantGuideCard', variant: 'henkilötunnus revealed', build: (l) => grantGuideCard(translator(l), l, guide(l, { hetu: SAMPLE_HETU })), neutral: [sampleOrder(), ORG_NAME, SAMPLE_HETU] },
  { builder: grantGuideCard, name: 'grantGuideCard', variant: 'henkilötunnus destroyed, date error', build: (l) => grantGuideCard(translator(l), l,
    guide(l, { hetuGone: true, error: translator(l)('admin.invalidDates') })), neutral: [sampleOrder(), ORG_NAME] },
  { builder: grantGuideCard, name: 'grantGuideCard', variant: 'theme with another valtuustyyppi, a tarkenne and instructions; granting to oneself',
    build: (l) => grantGuideCard(translator(l), l, guide(l, { theme: GUIDE_THEME, selfGrant: true })), neutral: [sampleOrder(), ORG_NAME, GUIDE_THEME.specifier, GUIDE_THEME.instructionsUrl] },
  { builder: confirmationCard, name: 'confirmationCard', variant: 'goes to the manager first', build: (l) => confirmationCard(translator(l), l, sampleOrder({ status: 'awaitingApproval' }), false),
    neutral: [sampleOrder()] },
  { builder: adminOrderCard, name: 'adminOrderCard', variant: 'processed by its own requester (the only administrator)', build: (l) => adminOrderCard(translator(l), l, {
    order: everyStageOrder({ selfProcessedBy: [ADMIN.id] }), verbs: availableVerbs(everyStageOrder()), unreachableNames: [], selfProcessedNames: [ADMIN.name] }), neutral: [everyStageOrder(), ADMIN.name] },
  { builder: managerApprovalCard, name: 'managerApprovalCard', variant: 'awaiting approval', build: (l) => must(managerApprovalCard(translator(l), l, sampleOrder({ status: 'awaitingApproval' })), 'managerApprovalCard'),
    neutral: [sampleOrder()] },
  { builder: signatureCard, name: 'signatureCard', variant: 'two applications to sign', build: (l) => must(signatureCard(translator(l), everyStageOrder({
    lines: [...everyStageOrder().lines, { ...lineFor(themeById('tulliasioiden-hoito'), 'applicationPrepared'), themeId: null, themeName: 'Hilmo-ilmoitusten tekeminen', eservice: 'THL' }] })), 'signatureCard'),
  neutral: [everyStageOrder(), 'Hilmo-ilmoitusten tekeminen'] },
  { builder: glossaryTermCard, name: 'glossaryTermCard', variant: 'term with other names', build: (l) => glossaryTermCard(translator(l), l, glossaryTermWithAka), neutral: [glossaryTermWithAka] },
  { builder: glossaryListCard, name: 'glossaryListCard', variant: 'whole glossary', build: (l) => glossaryListCard(translator(l), l, glossary.list(l)), neutral: [glossary.terms] },
  { builder: glossarySuggestionsCard, name: 'glossarySuggestionsCard', variant: 'unknown word', build: (l) => glossarySuggestionsCard(translator(l), l, 'valtuutos', glossary.terms.slice(0, 3)),
    neutral: ['valtuutos', glossary.terms] },
  { builder: suggestionsCard, name: 'suggestionsCard', variant: 'manager, suggestions in every status', build: (l) => {
    const tr = translator(l);
    return suggestionsCard(tr, { title: tr('suggest.titleFor', { name: 'Matti Meikäläinen' }), basis: tr('suggest.basis', { department: 'Konsernipalvelut', serviceArea: 'Rahoitus ja strategia', jobTitle: 'Palkanlaskija' }),
      items: suggestionItems(tr, l), forUserId: REPORTS[0].id, reports: REPORTS, notice: tr('suggest.nothingSelected') });
  }, neutral: [REPORTS, THEMES.map((t) => t.eservice), 'Konsernipalvelut', 'Rahoitus ja strategia', 'Palkanlaskija', 'VB-2026-00031'] },
  { builder: suggestionsCard, name: 'suggestionsCard', variant: 'nothing in the map', build: (l) => {
    const tr = translator(l);
    return suggestionsCard(tr, { title: tr('suggest.title'), basis: tr('suggest.basis', { department: 'Kaupunkikehitys', serviceArea: 'Maapolitiikka', jobTitle: 'Kartoittaja' }),
      items: [], forUserId: ME.id, reports: [], emptyMessage: tr('suggest.none', { jobTitle: 'Kartoittaja', serviceArea: 'Maapolitiikka' }) });
  }, neutral: ['Kaupunkikehitys', 'Maapolitiikka', 'Kartoittaja'] },
  { builder: mapBrowseCard, name: 'mapBrowseCard', variant: 'scope chosen', build: (l) => mapBrowseCard(translator(l), { scopeType: 'jobTitle', scopes: JOB_TITLES, scope: 'Palkanlaskija', rows: mapRows(l, 'Palkanlaskija') }),
    neutral: [JOB_TITLES, THEMES.map((t) => t.eservice)] },
  { builder: mapBrowseCard, name: 'mapBrowseCard', variant: 'nothing chosen yet', build: (l) => mapBrowseCard(translator(l), { scopeType: 'department', scopes: ['Kasvu ja oppiminen', 'Konsernipalvelut'], rows: [] }),
    neutral: ['Kasvu ja oppiminen', 'Konsernipalvelut'] },
  { builder: mapBrowseCard, name: 'mapBrowseCard', variant: 'scope without rows', build: (l) => mapBrowseCard(translator(l), { scopeType: 'serviceArea', scopes: ['Maapolitiikka'], scope: 'Maapolitiikka', rows: [] }),
    neutral: ['Maapolitiikka'] },
  { builder: digestCard, name: 'digestCard', variant: 'no open orders', build: (l) => digestCard(translator(l), l, []), neutral: [] },
  { builder: digestCard, name: 'digestCard', variant: 'largest: 50 rows', build: (l) => digestCard(translator(l), l, digestRows(translator(l), 50)), neutral: [manyOrders(50)] },
  { builder: digestCard, name: 'digestCard', variant: 'largest: 50 orders and 400 entries expiring', build: (l) => digestCard(translator(l), l, digestRows(translator(l), 50),
    expiringBlock(translator(l), l, { total: 400, rows: expiringRows(400) })), neutral: [manyOrders(50), PEOPLE, LONGEST_THEME.name.fi] },
  { builder: renewalReminderCard, name: 'renewalReminderCard', variant: 'the longest theme name, 7 days left', build: (l) => renewalReminderCard(translator(l), l,
    { themeId: LONGEST_THEME.id, themeName: LONGEST_THEME.name.fi, validFrom: '2025-12-20', validUntil: '2026-12-20', daysLeft: 7 }), neutral: [LONGEST_THEME.name.fi] },
  { builder: myMandatesCard, name: 'myMandatesCard', variant: 'largest: 300 entries, each offering a renewal', build: (l) => myMandatesCard(translator(l), l,
    mandateRows(l, 300).map((r, i) => ({ ...r, state: 'expiring', renew: { themeId: THEMES[i % THEMES.length].id, validFrom: r.validFrom } }))), neutral: REGISTER_NEUTRAL },
  { builder: orderFormCard, name: 'orderFormCard', variant: 'largest, and 20 ticked themes each a renewal with its note', build: (l) => {
    const tr = translator(l);
    const notes = THEMES.slice(0, 20).map((t) => tr('renewal.formNote', { theme: themeName(t, l), until: formatDate(l, '2026-12-31'), start: formatDate(l, '2026-12-31') }));
    return orderFormCard(tr, { ...largestOrderForm(tr, l), notes });
  }, neutral: [ME.displayName, REPORTS, TYPED, THEMES.map((t) => t.eservice), 'Tieliikennelupien ylläpito'] },
  { builder: confirmationCard, name: 'confirmationCard', variant: 'a renewal (continuation line)', build: (l) => confirmationCard(translator(l), l, continuationOrder(), false),
    neutral: [continuationOrder()] },
  { builder: adminOrderCard, name: 'adminOrderCard', variant: 'a renewal (continuation line)', build: (l) => adminOrderCard(translator(l), l, {
    order: continuationOrder(), verbs: availableVerbs(continuationOrder()), unreachableNames: [] }), neutral: [continuationOrder()] },
  { builder: catalogHeldCard, name: 'catalogHeldCard', variant: 'largest: 25 of 44 themes, notice', build: (l) => {
    const tr = translator(l);
    return catalogHeldCard(tr, l, THEMES.slice(0, 25), THEMES.length, '', 7, tr('catalog.changed', { theme: themeName(THEMES[3], l), state: tr('catalog.held') }));
  }, neutral: [THEMES.map((t) => t.eservice)] },
  { builder: catalogHeldCard, name: 'catalogHeldCard', variant: 'filtered', build: (l) => {
    const hits = THEMES.filter((t) => `${t.name.fi} ${t.eservice}`.toLowerCase().includes('traficom'));
    return catalogHeldCard(translator(l), l, hits, hits.length, 'traficom', 7);
  }, neutral: ['traficom', THEMES.map((t) => t.eservice)] },
];

// ---------------------------------------------------------------------------------------------------------
// Translation checks
// ---------------------------------------------------------------------------------------------------------

/** Names that are the same in every language (brands, not words to translate). */
const BRANDS = ['Suomi.fi', 'Valtuusbotti'];

/** The words of a text a person reads: markdown and escapes dropped, punctuation trimmed, only words with letters. */
function words(value: string): string[] {
  return value.replace(/\\(.)/g, '$1').replace(/https?:\/\/[^\s)]+/g, ' ').split(/[\s()[\]*_"«»,;!?]+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((w) => /\p{L}/u.test(w));
}

function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => stringsIn(v, out));
  return out;
}

/**
 * Words that read the same at the same place of the fi, sv and en card and are not data: text that did not go
 * through the translator. A hard-coded Finnish label shows up here; a name or an order number does not.
 */
function untranslatedWords(texts: Record<Lang, string[]>, neutral: readonly unknown[]): string[] {
  const allowed = new Set([...stringsIn(neutral).flatMap(words), ...BRANDS].map((w) => w.toLowerCase()));
  const problems: string[] = [];
  texts.fi.forEach((fiText, i) => {
    const sv = new Set(words(texts.sv[i] ?? ''));
    const en = new Set(words(texts.en[i] ?? ''));
    const same = [...new Set(words(fiText).filter((w) => sv.has(w) && en.has(w) && !allowed.has(w.toLowerCase())))];
    if (same.length) problems.push(`text #${i} "${fiText}" reads the same in fi, sv and en: ${same.join(', ')}`);
  });
  return problems;
}

const PLACEHOLDER = /(?<!\\)\{[A-Za-z_]\w*\}/;

// ---------------------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------------------

describe('Card checks (the helper itself)', () => {
  const good = rawCard([heading('Otsikko'), { type: 'Input.Text', id: 'a', label: 'A' }], [
    { type: 'Action.Execute', title: 'Lähetä', verb: 'x', data: {} },
    { type: 'Action.Submit', title: 'Valikko', data: { verb: 'menu' } },
  ]);

  it('accepts a correct card', () => {
    assert.deepEqual(validateCard(good), []);
  });

  it('reports invalid property values and unknown element types from the Adaptive Cards parser', () => {
    const problems = validateCard({ ...good, body: [{ type: 'TextBlock', text: 'x', size: 'gigantic' }, { type: 'Foo.Bar' }] });
    assert.ok(problems.some((p) => p.includes('gigantic')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('Foo.Bar')), problems.join('\n'));
  });

  it('reports a card version other than 1.5, a Table and a card over 28 KB', () => {
    assert.ok(validateCard({ ...good, version: '1.6' }).some((p) => p.includes('"1.6"')));
    assert.ok(validateCard({ ...good, body: [container([{ type: 'Table', columns: [], rows: [] }])] }).some((p) => p.includes('Table')));
    const big = { ...good, body: Array.from({ length: 300 }, (_, i) => text(`${i} ${'x'.repeat(100)}`)) };
    assert.ok(cardSize(big) > TEAMS_CARD_LIMIT_BYTES);
    assert.ok(validateCard(big).some((p) => p.includes('limit')));
  });

  it('reports duplicate input ids, also across an Action.ShowCard, and an input without an id', () => {
    const dup = rawCard([{ type: 'Input.Text', id: 'reason', label: 'A' }], [
      { type: 'Action.ShowCard', title: 'S', card: rawCard([{ type: 'Input.Text', id: 'reason', label: 'B' }, { type: 'Input.Date', label: 'C' }]) },
    ]);
    const problems = validateCard(dup);
    assert.ok(problems.some((p) => p.includes('Duplicate input id "reason"')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('Input.Date') && p.includes('no id')), problems.join('\n'));
  });

  it('reports an Action.Execute without a verb and an Action.Submit without data.verb', () => {
    const problems = validateCard(rawCard([text('x')], [
      { type: 'Action.Execute', title: 'E', data: { orderId: '1' } },
      { type: 'Action.Submit', title: 'S', data: { orderId: '1' } },
    ]));
    assert.ok(problems.some((p) => p.includes('Action.Execute "E"')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('Action.Submit "S"')), problems.join('\n'));
  });

  it('collects texts, labels, titles, choice titles and facts, also nested, but not input values or action data', () => {
    const c = rawCard([
      container([text('T1'), facts([['F-title', 'F-value']])]),
      { type: 'Input.ChoiceSet', id: 'c', label: 'L1', value: 'secret-value', choices: [{ title: 'C1', value: 'c1-id' }] },
    ], [{ type: 'Action.ShowCard', title: 'A1', card: rawCard([{ type: 'Input.Text', id: 'r', label: 'L2', placeholder: 'P1' }],
      [{ type: 'Action.Execute', title: 'A2', verb: 'v', data: { title: 'data-title' } }]) }]);
    assert.deepEqual(cardTexts(c).sort(), ['A1', 'A2', 'C1', 'F-title', 'F-value', 'L1', 'L2', 'P1', 'T1'].sort());
  });

  it('finds a text that was hard-coded in Finnish instead of translated', () => {
    const build = (lang: Lang): AdaptiveCard => rawCard([heading(translator(lang)('admin.newOrder', { number: 'VB-2026-00042' })),
      facts([['Perustelut', 'Palkanlaskija']])]);
    const texts = { fi: cardTexts(build('fi')), sv: cardTexts(build('sv')), en: cardTexts(build('en')) };
    assert.deepEqual(untranslatedWords(texts, ['VB-2026-00042', 'Palkanlaskija']).length, 1);
  });

  it('computes a henkilötunnus with a valid check character (DVV test code 010594Y9032)', () => {
    assert.equal(SAMPLE_HETU, '010594Y9032');
    assert.equal(isHetuLike(SAMPLE_HETU), true);
  });
});

describe('Every exported card builder has card tests', () => {
  it('each *Card function exported from cards/ is built in at least one case below', () => {
    const dir = path.resolve(__dirname, '../../cards');
    const builders = fs.readdirSync(dir).filter((f) => f.endsWith('.js') && f !== 'card.js').flatMap((file) => {
      const mod = require(path.join(dir, file)) as Record<string, unknown>;
      return Object.entries(mod).filter(([name, v]) => typeof v === 'function' && /Card$/.test(name)).map(([name, fn]) => ({ name: `${file}:${name}`, fn }));
    });
    assert.ok(builders.length >= 18, `found only ${builders.length} builders in ${dir}`);
    const untested = builders.filter((b) => !CASES.some((c) => c.builder === b.fn)).map((b) => b.name);
    assert.deepEqual(untested, []);
  });
});

for (const c of CASES) {
  describe(`${c.name} (${c.variant})`, () => {
    for (const lang of LANGS) {
      it(`${lang}: is a valid Adaptive Card 1.5 that Teams accepts: no parse/validation problems, no Table, under 28 KB`, () => {
        const built = c.build(lang);
        assert.deepEqual(validateCard(built), []);
        assert.ok(cardSize(built) < TEAMS_CARD_LIMIT_BYTES, `${cardSize(built)} bytes`);
      });

      it(`${lang}: has no unreplaced {placeholder} in any text`, () => {
        const texts = cardTexts(c.build(lang));
        assert.ok(texts.length > 0, 'card has no texts');
        assert.deepEqual(texts.filter((s) => PLACEHOLDER.test(s)), []);
      });
    }

    it('fi, sv and en cards differ: every text goes through the translator', () => {
      const texts = { fi: cardTexts(c.build('fi')), sv: cardTexts(c.build('sv')), en: cardTexts(c.build('en')) };
      assert.equal(texts.sv.length, texts.fi.length, 'sv card has a different number of texts than fi');
      assert.equal(texts.en.length, texts.fi.length, 'en card has a different number of texts than fi');
      assert.notDeepEqual(texts.sv, texts.fi);
      assert.notDeepEqual(texts.en, texts.fi);
      assert.notDeepEqual(texts.en, texts.sv);
      assert.deepEqual(untranslatedWords(texts, c.neutral), []);
    });
  });
}

describe('orderFormCard: typed values and errors', () => {
  for (const lang of LANGS) {
    it(`${lang}: keeps every typed value in its input when the form comes back with errors`, () => {
      const form = orderFormCard(translator(lang), largestOrderForm(translator(lang), lang));
      const json = JSON.stringify(form);
      const inputs = cardInputs(form);
      for (const [field, value] of Object.entries(TYPED)) {
        const input = inputs.find((i) => i.id === field);
        assert.ok(input, `no input "${field}"`);
        if (field === 'hetu') continue;
        assert.equal(input.value, value, `input "${field}" lost the typed value`);
        assert.ok(json.includes(JSON.stringify(value).slice(1, -1)), `card JSON lacks the typed ${field}`);
      }
    });

    it(`${lang}: never sends the typed henkilötunnus back (the re-sent card stays in the transcript); asks to type it again`, () => {
      const tr = translator(lang);
      const form = orderFormCard(tr, largestOrderForm(tr, lang));
      const hetuInput = cardInputs(form).find((i) => i.id === 'hetu');
      assert.equal(hetuInput?.value, '');
      assert.ok(!JSON.stringify(form).includes(TYPED.hetu), 'the typed code is somewhere in the card');
      assert.ok(cardTexts(form).includes(tr('order.hetuRetype')));
      const clean = orderFormCard(tr, { ...largestOrderForm(tr, lang), values: {}, errors: {} });
      assert.ok(!cardTexts(clean).includes(tr('order.hetuRetype')), 'no retype note on a fresh form');
    });

    it(`${lang}: shows the error message of every field, and the errors title`, () => {
      const tr = translator(lang);
      const texts = cardTexts(orderFormCard(tr, largestOrderForm(tr, lang)));
      for (const field of ORDER_FIELDS) {
        const message = tr(FORM_ERRORS[field][0], FORM_ERRORS[field][1]);
        assert.ok(texts.includes(message), `error of ${field} not shown: ${message}`);
      }
      assert.ok(texts.includes(tr('order.errorsTitle')));
    });

    it(`${lang}: offers all 25 theme choices and every subject, and shows no errors title on a clean form`, () => {
      const tr = translator(lang);
      const inputs = cardInputs(orderFormCard(tr, largestOrderForm(tr, lang)));
      const themes = inputs.find((i) => i.id === 'themes');
      const subjects = inputs.find((i) => i.id === 'subjectId');
      assert.equal(Array.isArray(themes?.choices) && themes.choices.length, 25);
      assert.equal(Array.isArray(subjects?.choices) && subjects.choices.length, REPORTS.length + 1);
      assert.ok(!cardTexts(orderFormCard(tr, firstOrderForm(tr, lang))).includes(tr('order.errorsTitle')));
    });
  }
});

// A henkilötunnus pasted into free text must not reach the administrators' channel or other people's cards.
const CLEAR = SAMPLE_HETU;
const OTHER = testHetu('020594', 'X', '903');

/** Where a henkilötunnus (clear, masked or anything shaped like one) shows in the card JSON. */
function hetuLeaks(label: string, built: object, codes: string[] = [CLEAR, OTHER]): string[] {
  const json = JSON.stringify(built).toUpperCase();
  const leaks: string[] = [];
  for (const code of codes) {
    if (json.includes(code)) leaks.push(`${label}: the henkilötunnus ${code} is in the card`);
    // The masked form (010594Y****) and the escaped masked form both start with the birth date and sign.
    else if (json.includes(code.slice(0, 7))) leaks.push(`${label}: the masked henkilötunnus ${code.slice(0, 7)}**** is in the card`);
  }
  if (!leaks.length && isHetuLike(json)) leaks.push(`${label}: something shaped like a henkilötunnus is in the card`);
  return leaks;
}

function assertNoHetu(label: string, built: object, codes?: string[]): void {
  assert.deepEqual(hetuLeaks(label, built, codes), []);
}

const withHetuInJustification = (o: Order): Order => ({ ...o, justification: `Henkilötunnus ${CLEAR} (ks. myös ${OTHER.toLowerCase()}). ${o.justification}` });

describe('Henkilötunnus stays out of administrators\', managers\' and signatories\' cards', () => {
  for (const lang of LANGS) {
    const tr = translator(lang);

    it(`${lang}: adminOrderCard shows neither the clear nor the masked code, even with one in the justification and DVV's reason`, () => {
      const orders = [sampleOrder(), everyStageOrder(), everyStageOrder({ status: 'waitingForInfo' }), sampleOrder({ status: 'awaitingApproval' })].map(withHetuInJustification);
      for (const order of orders) {
        order.lines = order.lines.map((l) => (l.refusalReason ? { ...l, refusalReason: `DVV: henkilön ${CLEAR} tiedot puutteelliset` } : l));
        const built = adminOrderCard(tr, lang, { order, verbs: availableVerbs(order), unreachableNames: ['Maija Virtanen'] });
        assertNoHetu(`adminOrderCard ${order.status}`, built);
        assert.ok(cardTexts(built).some((s) => s.replace(/\\(.)/g, '$1').includes('[HETU]')), 'the justification is shown, redacted');
        assert.ok(!JSON.stringify(built).includes(order.hetuCipher ?? '<none>'), 'the encrypted henkilötunnus is in the card');
      }
    });

    it(`${lang}: the digest built from open orders shows no code, even with one in the justification`, () => {
      const orders = manyOrders(50).map(withHetuInJustification);
      const built = buildDigest({ now: () => NOW } as unknown as HandlerDeps, lang, orders);
      assert.deepEqual(validateCard(built), []);
      assertNoHetu('digest', built);
    });

    it(`${lang}: managerApprovalCard shows no code, even with one in the justification`, () => {
      const built = must(managerApprovalCard(tr, lang, withHetuInJustification(sampleOrder({ status: 'awaitingApproval' }))), 'managerApprovalCard');
      assertNoHetu('managerApprovalCard', built);
    });

    it(`${lang}: signatureCard shows no code, even with one in the justification`, () => {
      const built = must(signatureCard(tr, withHetuInJustification(everyStageOrder())), 'signatureCard');
      assertNoHetu('signatureCard', built);
    });

    it(`${lang}: grantGuideCard shows the code only when it was revealed (hetu passed)`, () => {
      const order = withHetuInJustification(sampleOrder());
      const hidden = grantGuideCard(tr, lang, guide(lang, { order }));
      assertNoHetu('grant guide before reveal', hidden);
      const gone = grantGuideCard(tr, lang, guide(lang, { order, hetuGone: true }));
      assertNoHetu('grant guide, code destroyed', gone);
      assert.ok(cardTexts(gone).includes(tr('guide.hetuGone')));
      const shown = grantGuideCard(tr, lang, guide(lang, { order, hetu: CLEAR }));
      assert.ok(cardTexts(shown).some((s) => s.includes(CLEAR)), 'revealed code is not shown');
      assert.ok(cardTexts(shown).includes(tr('guide.hetuShown', { hetu: CLEAR })));
      for (const a of cardActions(shown)) assert.ok(!JSON.stringify(a.data).includes(CLEAR), `action ${a.verb} carries the code`);
    });

    it(`${lang}: a code typed into the custom theme name or e-service (requester's free text) does not reach the admin, approval, signature or input cards`, () => {
      const custom: OrderLine = { themeId: null, themeName: `Hilmo-ilmoitukset ${CLEAR}`, eservice: `THL ${OTHER}`, path: 'missing', stage: 'applicationPrepared',
        earliest: '2026-04-13', due: '2026-04-27' };
      const order = sampleOrder({ lines: [...sampleOrder().lines, custom] });
      const pending = { ...order, status: 'awaitingApproval' as const };
      assert.deepEqual([
        ...hetuLeaks('adminOrderCard', adminOrderCard(tr, lang, { order, verbs: availableVerbs(order), unreachableNames: [] })),
        ...hetuLeaks('managerApprovalCard', must(managerApprovalCard(tr, lang, pending), 'managerApprovalCard')),
        ...hetuLeaks('signatureCard', must(signatureCard(tr, order), 'signatureCard')),
        ...hetuLeaks('verbInputCard', verbInputCard(tr, order, 'dvvRefused', { ...multiline(tr, 'admin.refusalReason'), id: 'reason' }, 2)),
      ], []);
    });

    it(`${lang}: a code typed into the employee's name or department fields does not reach the admin, approval or digest cards`, () => {
      const base = sampleOrder();
      const order = sampleOrder({ subject: { ...base.subject, surname: `Meikäläinen ${CLEAR}`, department: `Konsernipalvelut ${OTHER}` } });
      assert.deepEqual([
        ...hetuLeaks('adminOrderCard', adminOrderCard(tr, lang, { order, verbs: availableVerbs(order), unreachableNames: [] })),
        ...hetuLeaks('managerApprovalCard', must(managerApprovalCard(tr, lang, { ...order, status: 'awaitingApproval' }), 'managerApprovalCard')),
        ...hetuLeaks('digest', buildDigest({ now: () => NOW } as unknown as HandlerDeps, lang, [order])),
      ], []);
    });
  }
});

describe('Administrator verbs carry ids only', () => {
  /** The data keys a verb may carry: ids and the version, plus verbInputCard's "the form was filled" flag. */
  const ALLOWED = new Set(['orderId', 'v', 'line', 'submit']);
  const ADMIN_VERB = /^(admin|manager|signatory)\./;

  function checkData(label: string, built: object, order: Order): number {
    const actions = cardActions(built).filter((a) => ADMIN_VERB.test(a.verb));
    for (const a of actions) {
      const where = `${label} ${a.verb}`;
      assert.deepEqual(Object.keys(a.data).filter((k) => !ALLOWED.has(k)), [], `${where} carries more than ids`);
      assert.equal(a.data.orderId, order.id, `${where}: orderId`);
      if ('v' in a.data) assert.equal(a.data.v, order.updatedAt, `${where}: v is not the shown version`);
      if ('line' in a.data) assert.ok(Number.isInteger(a.data.line) && (a.data.line as number) >= 0 && (a.data.line as number) < order.lines.length, `${where}: line ${String(a.data.line)}`);
      if ('submit' in a.data) assert.equal(a.data.submit, true, `${where}: submit`);
      const data = JSON.stringify(a.data);
      for (const personal of [order.subject.givenName, order.subject.surname, order.subject.mail, order.requesterMail, order.hetuMasked, CLEAR]) {
        assert.ok(!data.includes(personal), `${where} carries "${personal}"`);
      }
    }
    return actions.length;
  }

  for (const lang of LANGS) {
    const tr = translator(lang);

    it(`${lang}: adminOrderCard verbs carry only orderId, v and line, in every order state`, () => {
      let count = 0;
      for (const status of STATUSES) {
        const order = everyStageOrder({ status });
        count += checkData(`adminOrderCard(${status})`, adminOrderCard(tr, lang, { order, verbs: availableVerbs(order), unreachableNames: [] }), order);
      }
      assert.ok(count >= 8, `only ${count} verbs checked`);
    });

    it(`${lang}: adminOrderCard offers exactly the verbs the order allows, each line verb on its own line`, () => {
      for (const order of [sampleOrder(), everyStageOrder(), everyStageOrder({ status: 'waitingForInfo' }), sampleOrder({ status: 'awaitingApproval' }), everyStageOrder({ status: 'completed' })]) {
        const verbs = availableVerbs(order);
        const expected = [...verbs.order.map((v) => `admin.${v}`), ...verbs.lines.flatMap((l) => l.verbs.map((v) => `admin.${v}#${l.index}`))].sort();
        const actual = cardActions(adminOrderCard(tr, lang, { order, verbs, unreachableNames: [] }))
          .map((a) => (typeof a.data.line === 'number' ? `${a.verb}#${a.data.line}` : a.verb)).sort();
        assert.deepEqual(actual, expected, `order ${order.status}`);
      }
    });

    it(`${lang}: grant guide, input forms, approval and signature cards carry only ids and the version`, () => {
      const order = everyStageOrder();
      checkData('grantGuideCard', grantGuideCard(tr, lang, guide(lang, { order, hetu: CLEAR })), order);
      for (const [verb, line] of [['ask', undefined], ['reject', undefined], ['inviteMeeting', 1], ['markSent', 3], ['dvvRefused', 4]] as const) {
        checkData(`verbInputCard(${verb})`, verbInputCard(tr, order, verb, { ...multiline(tr, 'admin.reason'), id: 'reason' }, line), order);
      }
      const pending = sampleOrder({ status: 'awaitingApproval' });
      assert.equal(checkData('managerApprovalCard', must(managerApprovalCard(tr, lang, pending), 'managerApprovalCard'), pending), 2);
      assert.equal(checkData('signatureCard', must(signatureCard(tr, order), 'signatureCard'), order), 1);
    });
  }
});

describe('Personal request cards are built only when there is something to decide', () => {
  it('managerApprovalCard exists only while the order awaits the manager', () => {
    for (const status of STATUSES) {
      const built = managerApprovalCard(translator('fi'), 'fi', sampleOrder({ status }));
      assert.equal(built !== undefined, status === 'awaitingApproval', status);
    }
  });

  it('signatureCard exists only for prepared applications and lists one sign button per prepared line', () => {
    assert.equal(signatureCard(translator('fi'), sampleOrder()), undefined);
    const order = everyStageOrder();
    const built = must(signatureCard(translator('sv'), order), 'signatureCard');
    const prepared = order.lines.map((l, i) => ({ l, i })).filter(({ l }) => l.stage === 'applicationPrepared');
    assert.deepEqual(cardActions(built).map((a) => a.data.line), prepared.map(({ i }) => i));
  });
});

describe('the grant guide follows suomi.fi\'s own steps for an organisation, per theme from the catalog', () => {
  const SUOMI_FI_LABELS: Record<Lang, { role: string; give: string; asiointi: string; edustajan: string }> = {
    fi: { role: 'Yrityksen valtuudet', give: 'Anna valtuuksia', asiointi: 'Asiointivaltuus', edustajan: 'Edustajan valtuutusoikeus' },
    sv: { role: 'Företagets fullmakter', give: 'Ge fullmakter', asiointi: 'Ärendefullmakt', edustajan: 'Representantens fullmaktsrätt' },
    en: { role: 'Company\'s mandates', give: 'Grant mandates', asiointi: 'Mandate for transactions', edustajan: 'Representative\'s right to grant a mandate' },
  };
  const stepTexts = (c: AdaptiveCard) => cardTexts(c).filter((x) => /^\d+\. /.test(x));
  for (const lang of LANGS) {
    const tr = translator(lang);
    const labels = SUOMI_FI_LABELS[lang];
    it(`${lang}: role → organisation → "${labels.give}" → valtuustyyppi → person → theme → validity → confirm, in that order`, () => {
      const steps = stepTexts(grantGuideCard(tr, lang, guide(lang)));
      const at = (needle: string) => steps.findIndex((x) => x.includes(needle));
      const order = [at(labels.role), at(labels.give), at(labels.asiointi), at(`${sampleOrder().subject.givenName} ${sampleOrder().subject.surname}`),
        at(sampleOrder().lines[0].names?.[lang] || sampleOrder().lines[0].themeName), at(formatDate(lang, TODAY)), at(tr('verb.confirmGrant'))];
      assert.ok(order.every((i) => i >= 0), `a step is missing: ${JSON.stringify(order)}\n${steps.join('\n')}`);
      assert.deepEqual([...order].sort((a, b) => a - b), order, steps.join('\n'));
      assert.ok(steps[at(labels.role)].includes(ORG_NAME[lang]), 'the organisation is chosen with the role');
      assert.ok(!steps.some((x) => x.includes(tr('guide.specifier', { specifier: '' }).split(':')[0])), 'no tarkenne step for a theme without one');
    });
    it(`${lang}: a theme's own valtuustyyppi, tarkenne (before validity) and instructions link come from the catalog`, () => {
      const c = grantGuideCard(tr, lang, guide(lang, { theme: GUIDE_THEME }));
      const steps = stepTexts(c);
      assert.ok(steps.some((x) => x.includes(labels.edustajan)), steps.join('\n'));
      assert.ok(!steps.some((x) => x.includes(`**${labels.asiointi}**`)));
      const tarkenne = steps.findIndex((x) => x.includes('TYPO'));
      const validity = steps.findIndex((x) => x.includes(formatDate(lang, TODAY)));
      assert.ok(tarkenne > 0 && tarkenne < validity, steps.join('\n'));
      assert.ok(cardTexts(c).some((x) => x.includes(GUIDE_THEME.instructionsUrl as string)));
    });
    it(`${lang}: granting to oneself is said on the guide`, () => {
      assert.ok(cardTexts(grantGuideCard(tr, lang, guide(lang, { selfGrant: true }))).includes(tr('guide.selfGrant')));
      assert.ok(!cardTexts(grantGuideCard(tr, lang, guide(lang))).includes(tr('guide.selfGrant')));
    });
  }
});

describe('cards say what actually happens', () => {
  for (const lang of LANGS) {
    const tr = translator(lang);
    it(`${lang}: the requester's order details say a line is a renewal and when it starts, until it is granted`, () => {
      const o = detailsOrder();
      o.lines[1] = { ...o.lines[1], proposedStart: '2026-12-31', continuationOf: { validFrom: '2025-12-31', validUntil: '2026-12-31' } };
      const shown = cardTexts(myOrderDetailsCard(tr, lang, o, [])).join('\n');
      assert.ok(shown.includes(tr('renewal.continuation', { start: formatDate(lang, '2026-12-31') })), shown);
      o.lines[1] = { ...o.lines[1], stage: 'granted', grantedFrom: '2026-12-31', grantedUntil: '2027-12-31' };
      assert.ok(!cardTexts(myOrderDetailsCard(tr, lang, o, [])).join('\n').includes(tr('renewal.continuation', { start: formatDate(lang, '2026-12-31') })),
        'once granted, the line shows its validity instead');
    });
    it(`${lang}: the confirmation says the order goes to the manager first when it awaits approval`, () => {
      assert.ok(cardTexts(confirmationCard(tr, lang, sampleOrder({ status: 'awaitingApproval' }), false)).includes(tr('confirm.introApproval')));
      assert.ok(!cardTexts(confirmationCard(tr, lang, sampleOrder({ status: 'awaitingApproval' }), false)).includes(tr('confirm.intro')));
      assert.ok(cardTexts(confirmationCard(tr, lang, sampleOrder(), false)).includes(tr('confirm.intro')));
    });
    it(`${lang}: the admin card is "new" only while untouched; an open order nobody holds waits for an administrator`, () => {
      const fresh = cardTexts(adminOrderCard(tr, lang, { order: sampleOrder(), verbs: availableVerbs(sampleOrder()), unreachableNames: [] }));
      assert.ok(fresh.includes(tr('admin.newOrder', { number: sampleOrder().number })));
      assert.ok(fresh.includes(tr('admin.statusUnclaimed')));
      const done = sampleOrder({ status: 'completed', assigneeId: ADMIN.id, assigneeName: ADMIN.name });
      const doneTexts = cardTexts(adminOrderCard(tr, lang, { order: done, verbs: availableVerbs(done), unreachableNames: [] }));
      assert.ok(doneTexts.includes(tr('admin.orderTitle', { number: done.number })));
      assert.ok(!doneTexts.includes(tr('admin.newOrder', { number: done.number })));
      assert.ok(doneTexts.includes(tr('status.completed')));
    });
    it(`${lang}: the requester's details say the code is destroyed once it is, instead of showing it masked`, () => {
      const kept = cardTexts(myOrderDetailsCard(tr, lang, detailsOrder(), []));
      const gone = cardTexts(myOrderDetailsCard(tr, lang, { ...detailsOrder(), hetuCipher: null }, []));
      assert.ok(kept.includes(detailsOrder().hetuMasked));
      assert.ok(!gone.includes(detailsOrder().hetuMasked));
      assert.ok(gone.includes(tr('confirm.hetuDestroyed')));
    });
    it(`${lang}: history lines show times as people write them, the DVV decision by name and a grant's dates`, () => {
      const order = everyStageOrder();
      const granted = order.lines.findIndex((l) => l.stage === 'granted');
      const history: AuditEvent[] = [
        { at: '2026-03-17T08:05:00.000Z', actorId: ADMIN.id, action: 'dvvDecision', from: 'line4:sentToDvv', to: 'dvvRefused', reason: 'Ei perusteita.' },
        { at: '2026-03-18T12:30:00.000Z', actorId: ADMIN.id, action: 'confirmGrant', from: `line${granted}:toGrant`, to: `line${granted}:granted` },
      ];
      const texts = cardTexts(myOrderDetailsCard(tr, lang, order, history));
      const line = order.lines[granted];
      assert.ok(texts.some((x) => x.startsWith(tr('format.dateTime', { date: formatDate(lang, '2026-03-17'), time: lang === 'en' ? '10:05' : '10.05' }))), texts.join('\n'));
      assert.ok(texts.some((x) => x.includes(tr('history.dvvRefused'))));
      assert.ok(!texts.some((x) => x.includes(tr('history.dvvDecision'))));
      assert.ok(texts.some((x) => x.includes(`(${formatDate(lang, line.grantedFrom as string)} – ${formatDate(lang, line.grantedUntil as string)})`) && x.includes(tr('history.confirmGrant'))), texts.join('\n'));
      assert.ok(!texts.some((x) => /\d{4}-\d{2}-\d{2}|T\d{2}:\d{2}/.test(x)), 'raw ISO text in a history line');
    });
  }
});
