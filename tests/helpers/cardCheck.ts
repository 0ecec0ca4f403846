/**
 * Checks for the bot's Adaptive Cards, shared by the card tests: the Adaptive Cards 1.5 object model's own
 * parse and validation (see docs TOOLCHAIN "Adaptive Cards checks in Node") plus what Teams needs on top of
 * it, the visible texts of a card, and a realistic sample order.
 */
import { hetuCheckChar, maskHetu } from '../../bot/domain/hetu';
import type { Order } from '../../bot/domain/order';

// The package's main entry expects a browser; the bundled dist build parses and validates without a DOM.
interface AcEvent { event: number; message: string }
interface AcLib {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void; validateProperties(): { validationEvents: AcEvent[] } };
  SerializationContext: new (targetVersion: unknown) => { eventCount: number; getEventAt(index: number): AcEvent };
  Version: new (major: number, minor: number) => unknown;
  ValidationEvent: Record<number, string>;
}
const AC = require('adaptivecards/dist/adaptivecards.js') as AcLib;

/** Teams refuses a message bigger than 28 KB; the card is most of the activity. */
export const TEAMS_CARD_LIMIT_BYTES = 28 * 1024;
/** The schema version every card of the bot declares (Teams desktop and mobile both render 1.5). */
export const CARD_VERSION = '1.5';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Visits every object of a card (depth first, document order) with its JSON path and the property name it
 * sits under (for an array item: the array's property). Action data is skipped: it is a payload, not UI.
 */
function walk(node: unknown, visit: (obj: Obj, path: string, key: string) => void, path = '$', key = ''): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => walk(item, visit, `${path}[${i}]`, key));
  } else if (isObj(node)) {
    visit(node, path, key);
    for (const [k, v] of Object.entries(node)) {
      if (k !== 'data') walk(v, visit, `${path}.${k}`, k);
    }
  }
}

/** The serialized size in bytes (UTF-8, as sent). */
export function cardSize(card: object): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/**
 * Everything wrong with a card, as readable messages (empty when the card is fine): the Adaptive Cards 1.5
 * parse and validation events (errors and warnings), and the bot's own rules: version "1.5", no Table
 * (Teams mobile), under 28 KB, unique input ids, Action.Execute with a verb, Action.Submit with data.verb.
 */
export function validateCard(card: object): string[] {
  const problems: string[] = [];
  const json: unknown = JSON.parse(JSON.stringify(card));
  if (!isObj(json) || json.type !== 'AdaptiveCard') problems.push('Not an AdaptiveCard: top-level "type" must be "AdaptiveCard".');

  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(new AC.Version(1, 5));
  parsed.parse(json, context);
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    problems.push(`${AC.ValidationEvent[e.event] ?? e.event}: ${e.message}`);
  }
  for (const e of parsed.validateProperties().validationEvents) {
    problems.push(`${AC.ValidationEvent[e.event] ?? e.event}: ${e.message}`);
  }

  // The library does not check the card's own version field.
  const version = isObj(json) ? json.version : undefined;
  if (version !== CARD_VERSION) problems.push(`Card version is ${JSON.stringify(version)}, expected "${CARD_VERSION}".`);

  const size = cardSize(card);
  if (size >= TEAMS_CARD_LIMIT_BYTES) problems.push(`Card is ${size} bytes, Teams' limit is ${TEAMS_CARD_LIMIT_BYTES}.`);

  const inputIds = new Map<string, string>();
  walk(json, (obj, path) => {
    const type = typeof obj.type === 'string' ? obj.type : '';
    if (type === 'Table') problems.push(`Table at ${path}: Teams mobile does not render tables.`);
    if (type.startsWith('Input.')) {
      const id = obj.id;
      if (typeof id !== 'string' || !id) problems.push(`${type} at ${path} has no id.`);
      else if (inputIds.has(id)) problems.push(`Duplicate input id "${id}" at ${path} (also at ${inputIds.get(id)}).`);
      else inputIds.set(id, path);
    }
    if (type === 'Action.Execute' && (typeof obj.verb !== 'string' || !obj.verb.trim())) {
      problems.push(`Action.Execute "${String(obj.title)}" at ${path} has no verb.`);
    }
    if (type === 'Action.Submit') {
      const data = obj.data;
      if (!isObj(data) || typeof data.verb !== 'string' || !data.verb.trim()) {
        problems.push(`Action.Submit "${String(obj.title)}" at ${path} has no data.verb.`);
      }
    }
  });
  return problems;
}

/** Properties whose string value a person reads on the card (besides TextBlock text and facts). */
const VISIBLE_KEYS = ['label', 'title', 'placeholder', 'errorMessage', 'altText'] as const;

/**
 * Every text a person can read on the card, in document order: TextBlock and TextRun texts, input labels and
 * placeholders, action and choice titles, fact titles and values — also inside containers, columns, action
 * sets and Action.ShowCard cards. Input values and action data are not included (they are data, not UI).
 */
export function cardTexts(card: object): string[] {
  const texts: string[] = [];
  walk(card, (obj, _path, key) => {
    if ((obj.type === 'TextBlock' || obj.type === 'TextRun') && typeof obj.text === 'string') texts.push(obj.text);
    if (key === 'facts') {
      if (typeof obj.title === 'string') texts.push(obj.title);
      if (typeof obj.value === 'string') texts.push(obj.value);
      return;
    }
    for (const k of VISIBLE_KEYS) {
      const v = obj[k];
      if (typeof v === 'string') texts.push(v);
    }
  });
  return texts;
}

/** Every Action.Execute and Action.Submit of the card, wherever it sits (ActionSets, ShowCard cards). */
export function cardActions(card: object): Array<{ type: string; title: string; verb: string; data: Obj }> {
  const actions: Array<{ type: string; title: string; verb: string; data: Obj }> = [];
  walk(card, (obj) => {
    if (obj.type !== 'Action.Execute' && obj.type !== 'Action.Submit') return;
    const data = isObj(obj.data) ? obj.data : {};
    const verb = obj.type === 'Action.Execute' ? obj.verb : data.verb;
    actions.push({ type: obj.type, title: String(obj.title ?? ''), verb: typeof verb === 'string' ? verb : '', data });
  });
  return actions;
}

/** Every input element of the card (id, type and the whole element). */
export function cardInputs(card: object): Obj[] {
  const inputs: Obj[] = [];
  walk(card, (obj) => {
    if (typeof obj.type === 'string' && obj.type.startsWith('Input.')) inputs.push(obj);
  });
  return inputs;
}

/**
 * A henkilötunnus with a correct check character, computed (no code list is kept in the repository).
 * The default is DVV's published test code 010594Y9032 (individual number 900–999: never a real person).
 */
export function testHetu(ddmmyy = '010594', sign = 'Y', individual = '903'): string {
  return `${ddmmyy}${sign}${individual}${hetuCheckChar(ddmmyy + individual)}`;
}

/** The henkilötunnus of sampleOrder(). */
export const SAMPLE_HETU = testHetu();

/**
 * A realistic open order from Porvoo: a payroll clerk needs one theme the city holds (line 0: path 1,
 * 'existing', waiting to be granted) and one it lacks (line 1: path 2, 'missing', in review).
 * Submitted on Monday 16 March 2026; fresh objects on every call.
 */
export function sampleOrder(overrides: Partial<Order> = {}): Order {
  return {
    id: 'ord-20260316-7f3a9c',
    number: 'VB-2026-00042',
    requesterId: 'aad-00000000-0000-4000-8000-000000000101',
    requesterMail: 'maija.virtanen@porvoo.fi',
    subject: {
      id: 'aad-00000000-0000-4000-8000-000000000102',
      givenName: 'Matti',
      surname: 'Meikäläinen',
      department: 'Konsernipalvelut',
      serviceArea: 'Talous- ja henkilöstöpalvelut',
      jobTitle: 'Palkanlaskija',
      mail: 'matti.meikalainen@porvoo.fi',
    },
    managerId: 'aad-00000000-0000-4000-8000-000000000101',
    justification: 'Palkanlaskija ilmoittaa kuukausittain palkkatiedot tulorekisteriin ja tarvitsee lisäksi Tullin asiointia työmatkojen tullaustapauksiin.',
    validUntil: '2027-12-31',
    lines: [
      {
        themeId: 'palkkatietojen-ilmoittaminen', themeName: 'Palkkatietojen ilmoittaminen', eservice: 'Tulorekisteri (Verohallinto)',
        path: 'existing', stage: 'toGrant', earliest: '2026-03-17', due: '2026-03-19',
      },
      {
        themeId: 'tulliasioiden-hoito', themeName: 'Tulliasioiden hoito', eservice: 'Tulli',
        path: 'missing', stage: 'review', earliest: '2026-04-13', due: '2026-04-27',
      },
    ],
    status: 'open',
    assigneeId: null,
    assigneeName: null,
    question: null,
    createdAt: '2026-03-16T08:15:00.000Z',
    updatedAt: '2026-03-16T08:15:00.000Z',
    hetuCipher: 'v1.kv-hetu-key.b64:3q2+7w==.c2FtcGxlLWNpcGhlcnRleHQ=',
    hetuMasked: maskHetu(SAMPLE_HETU),
    closedReason: null,
    adminCard: null,
    unreachable: [],
    ...overrides,
  };
}
