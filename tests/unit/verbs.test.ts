import assert from 'node:assert/strict';
import { cardActions, sampleOrder } from '../helpers/cardCheck';
import type { AdaptiveCard } from '../../cards/card';
import { menuCard, languageCard } from '../../cards/menu';
import { orderFormCard } from '../../cards/orderForm';
import { confirmationCard } from '../../cards/confirmation';
import { myOrdersCard, myOrderDetailsCard } from '../../cards/myOrders';
import { adminOrderCard } from '../../cards/adminOrder';
import { verbInputCard, grantGuideCard } from '../../cards/adminForms';
import { managerApprovalCard, signatureCard } from '../../cards/requests';
import { glossaryTermCard, glossaryListCard, glossarySuggestionsCard } from '../../cards/glossary';
import { suggestionsCard, mapBrowseCard } from '../../cards/suggest';
import { digestCard } from '../../cards/digest';
import { renewalReminderCard } from '../../cards/renewalReminder';
import { catalogHeldCard } from '../../cards/catalogHeld';
import { setupCard } from '../../cards/setup';
import { registerSearchCard, registerSearchAnswerCard, registerExportCard } from '../../cards/registerSearch';
import { myMandatesCard, teamMandatesCard } from '../../cards/myMandates';
import { taskActionCard, taskCard } from '../../cards/registerTask';
import { availableVerbs } from '../../bot/domain/adminVerbs';
import type { Order } from '../../bot/domain/order';
import { LINE_STAGES, ORDER_STATUSES } from '../../bot/domain/lifecycle';
import { translator, LANGS } from '../../bot/i18n';
import { loadSeedCatalog, loadSeedGlossary } from '../../bot/catalog/seed';
import { shippedTemplates, type TemplateName } from '../../bot/templates/cardTemplates';
import { TEMPLATE_SUBMIT_VERBS } from '../../bot/templates/cardShape';
import { SUBMIT_VERBS, EXECUTE_VERBS, VERBS, type VerbWithInput } from '../../bot/domain/verbs';
import { VERB_ROUTES } from '../../bot/handlers/verbs';

const STATUSES = ORDER_STATUSES;
const STAGES = LINE_STAGES;
const FORM_VERBS: VerbWithInput[] = ['ask', 'reject', 'inviteMeeting', 'markSent', 'dvvRefused'];

/** Orders in every status, each line stage, claimed and not, with a question when one is waiting. */
function ordersInEveryState(): Order[] {
  const base = sampleOrder();
  const orders: Order[] = [];
  for (const status of STATUSES) {
    for (const stage of STAGES) {
      for (const assigneeId of [null, 'aad-admin']) {
        orders.push(sampleOrder({
          status, assigneeId, assigneeName: assigneeId ? 'Anneli Ahonen' : null,
          question: status === 'waitingForInfo' ? 'Mihin tarvitset tätä?' : null,
          lines: base.lines.map((l) => ({ ...l, stage })),
        }));
      }
    }
  }
  return orders;
}

/** Every card the bot builds, with fixture data in the states that show each of its buttons. */
function everyCard(): AdaptiveCard[] {
  const cards: AdaptiveCard[] = [];
  const catalog = loadSeedCatalog();
  const glossary = loadSeedGlossary();
  const templates = shippedTemplates();
  for (const lang of LANGS) {
    const tr = translator(lang);
    cards.push(menuCard(tr, { firstName: 'Maija', signatory: true, manager: true }), menuCard(tr, { firstName: 'Maija' }), languageCard(tr));
    for (const name of ['welcome', 'help', 'instructions'] as TemplateName[]) {
      cards.push(templates.render(name, lang, { name: 'Maija Virtanen', givenName: 'Maija', lang, orgName: 'Porvoo', botName: 'Valtuusbotti' }));
    }
    cards.push(orderFormCard(tr, { token: 'token-123456', subjects: [{ id: 'me', label: 'Minä' }], values: {}, themeChoices: [], errors: {}, minDate: '2026-03-16', maxDate: '2029-03-16' }));
    cards.push(myOrdersCard(tr, lang, []));
    const mandate = { theme: 'Veroilmoittaminen', eservice: 'OmaVero', validFrom: '2026-01-01', validUntil: '2026-12-31', state: 'expiring' as const };
    cards.push(myMandatesCard(tr, lang, []), myMandatesCard(tr, lang, [mandate]), teamMandatesCard(tr, lang, [{ name: 'Matti', jobTitle: 'Palkanlaskija', rows: [mandate] }]));
    cards.push(menuCard(tr, { firstName: 'Maija', administrator: true }), registerSearchCard(tr, { by: 'person', text: '' }), registerExportCard(tr, 'http://127.0.0.1/x', 10),
      registerSearchAnswerCard(tr, lang, { form: { by: 'theme', text: 'vero' }, matched: 'Veroilmoittaminen', people: 1, entries: 1, byState: [['active', 1]],
        rows: [{ person: 'Matti', department: 'Konsernipalvelut', theme: 'Veroilmoittaminen', validFrom: '2026-01-01', validUntil: '2026-12-31', state: 'active' }] }));
    const glossaryTerms = glossary.list(lang);
    cards.push(glossaryTermCard(tr, lang, glossaryTerms[0]), glossaryListCard(tr, lang, glossaryTerms), glossarySuggestionsCard(tr, lang, 'valtuus', glossaryTerms.slice(0, 3)));
    cards.push(suggestionsCard(tr, { title: 't', basis: 'b', items: [{ themeId: catalog.themes[0].id, name: 'n', eservice: 'e', why: 'w', status: 's', orderable: true }],
      forUserId: 'me', reports: [{ id: 'r', label: 'Report' }] }));
    cards.push(mapBrowseCard(tr, { scopeType: 'department', scopes: ['Konsernipalvelut'], scope: 'Konsernipalvelut', rows: [{ name: 'n', eservice: 'e', why: 'w' }] }));
    cards.push(renewalReminderCard(tr, lang, { themeId: catalog.themes[0].id, themeName: 'n', validFrom: '2025-12-20', validUntil: '2026-12-20', daysLeft: 30 }));
    cards.push(digestCard(tr, lang, []), catalogHeldCard(tr, lang, catalog.themes.slice(0, 3), 3, '', 1, 'notice'));
    cards.push(setupCard(tr, { teamName: 'Team', checks: [] }));
    const review = { task: { id: 'task-rw-p-r2026-11-30', kind: 'review' as const, reason: 'review' as const, personId: 'p', personName: 'Matti', department: 'Konsernipalvelut',
      managerId: 'm', entries: [{ themeId: 't', themeName: 'Veroilmoittaminen', validFrom: '2025-01-01', validUntil: '2027-12-31' }], createdAt: '2026-11-30T08:00:00Z',
      dueOn: '2026-12-14', status: 'open' as const, adminCard: null, unreachable: [] }, personName: 'Matti', department: 'Konsernipalvelut', managerName: 'Aino', doneByName: '', unreachableNames: [] };
    cards.push(taskActionCard(tr, lang, review));
    cards.push(taskCard(tr, lang, { personName: 'Matti', department: 'D', managerName: 'M', doneByName: '', unreachableNames: [], task: { id: 'task-rv-p-1',
      kind: 'revocation', reason: 'left', personId: 'p', personName: 'Matti', department: 'D', entries: [{ themeId: 't', themeName: 'T', validFrom: '2025-01-01',
        validUntil: '2027-01-01' }], createdAt: '2026-11-30T08:00:00Z', dueOn: '2026-11-30', status: 'open', adminCard: null, unreachable: [] } }));
    for (const order of ordersInEveryState()) {
      cards.push(adminOrderCard(tr, lang, { order, verbs: availableVerbs(order), unreachableNames: [] }));
      cards.push(confirmationCard(tr, lang, order, false), myOrdersCard(tr, lang, [{ order, overdue: false }]), myOrderDetailsCard(tr, lang, order, []));
      const approval = managerApprovalCard(tr, lang, order);
      const signature = signatureCard(tr, order);
      if (approval) cards.push(approval);
      if (signature) cards.push(signature);
      cards.push(grantGuideCard(tr, lang, { order, line: 0, orgName: 'Porvoo', defaultFrom: '2026-03-16' }));
      for (const verb of FORM_VERBS) cards.push(verbInputCard(tr, order, verb, { type: 'Input.Text', id: 'x' }, 0));
    }
  }
  return cards;
}

describe('verb registry', () => {
  const emitted = new Map<string, Set<string>>();
  before(() => {
    for (const c of everyCard()) {
      for (const a of cardActions(c)) {
        if (!emitted.has(a.verb)) emitted.set(a.verb, new Set());
        emitted.get(a.verb)?.add(a.type);
      }
    }
  });

  it('every action a card can emit has a route of the same kind', () => {
    for (const [verb, types] of emitted) {
      const route = (VERB_ROUTES as Record<string, { kind: string } | undefined>)[verb];
      assert.ok(route, `a card emits "${verb}" but no route answers it`);
      for (const type of types) assert.equal(route.kind, type === 'Action.Submit' ? 'submit' : 'execute', `"${verb}" arrives as ${type}`);
    }
  });

  it('every route is emitted by some card (the organisation templates may use the menu verbs)', () => {
    const fromTemplates = new Set<string>(TEMPLATE_SUBMIT_VERBS);
    const unused = Object.keys(VERB_ROUTES).filter((verb) => !emitted.has(verb) && !fromTemplates.has(verb));
    assert.deepEqual(unused, [], 'routes that no card emits');
  });

  it('templates may only use verbs that have a menu route', () => {
    for (const verb of TEMPLATE_SUBMIT_VERBS) assert.equal(VERB_ROUTES[verb].kind, 'submit', verb);
  });

  it('the registry has exactly the verbs of bot/domain/verbs, each once, with its kind', () => {
    assert.deepEqual(Object.keys(VERB_ROUTES).sort(), [...VERBS].sort());
    assert.equal(new Set(VERBS).size, VERBS.length);
    for (const verb of SUBMIT_VERBS) assert.equal(VERB_ROUTES[verb].kind, 'submit', verb);
    for (const verb of EXECUTE_VERBS) assert.equal(VERB_ROUTES[verb].kind, 'execute', verb);
  });

  it('names the policy where wire name and domain word differ: both DVV outcomes are the one dvvDecision', () => {
    assert.deepEqual(VERB_ROUTES['admin.dvvGranted'].policy, { order: 'dvvDecision' });
    assert.deepEqual(VERB_ROUTES['admin.dvvRefused'].policy, { order: 'dvvDecision' });
    assert.deepEqual(VERB_ROUTES['catalog.toggleHeld'].policy, { global: 'toggleHeld' });
    // Every administrator, manager and signatory verb but the plain view is decided by a policy.
    for (const verb of EXECUTE_VERBS.filter((v) => /^(admin|manager|signatory)\./.test(v) && v !== 'admin.view')) {
      assert.ok(VERB_ROUTES[verb].policy, `${verb} has no policy action`);
    }
  });
});
