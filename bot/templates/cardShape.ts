/**
 * Is a bound template a card Teams will show? A check of the Adaptive Cards 1.5 schema for what an
 * organisation's welcome, help or instructions card uses (the full object-model parser, `adaptivecards`, needs
 * a browser build and is a test-only dependency; the tests also run every shipped template through it).
 * Each problem names its JSON path, so the loader can point at the line in the file.
 */

/** The verbs a template's Action.Submit may use: the menu's (other verbs have no route). */
export const TEMPLATE_SUBMIT_VERBS = ['menuOrder', 'menuMyOrders', 'menuSuggest', 'menuGlossary', 'menuLanguage', 'menuInstructions', 'menuMyMandates'] as const;

export interface ShapeProblem { path: string; message: string }

const ELEMENTS = new Set(['TextBlock', 'RichTextBlock', 'Image', 'ImageSet', 'Media', 'Container', 'ColumnSet', 'FactSet', 'ActionSet',
  'Input.Text', 'Input.Number', 'Input.Date', 'Input.Time', 'Input.Toggle', 'Input.ChoiceSet']);
const ACTIONS = new Set(['Action.OpenUrl', 'Action.Submit', 'Action.ShowCard', 'Action.ToggleVisibility', 'Action.Execute']);
/** Teams refuses a message bigger than 28 KB. */
const MAX_BYTES = 28 * 1024;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function cardShapeProblems(card: unknown): ShapeProblem[] {
  const problems: ShapeProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (!isObj(card) || card.type !== 'AdaptiveCard') { add('$', 'the top level must be {"type": "AdaptiveCard", …}'); return problems; }
  const version = typeof card.version === 'string' ? /^(\d+)\.(\d+)$/.exec(card.version) : null;
  if (!version) add('$.version', '"version" must be "1.5" (or lower): the version Teams renders');
  else if (Number(version[1]) > 1 || Number(version[2]) > 5) add('$.version', `version ${String(card.version)} is newer than Teams renders: set "version": "1.5" in the Designer`);
  if (card.body !== undefined && !Array.isArray(card.body)) add('$.body', '"body" must be a list of elements');
  if (card.actions !== undefined && !Array.isArray(card.actions)) add('$.actions', '"actions" must be a list of actions');
  elements(card.body, '$.body', add);
  actions(card.actions, '$.actions', add);
  unbound(card, '$', add);
  const size = Buffer.byteLength(JSON.stringify(card), 'utf8');
  if (size >= MAX_BYTES) add('$', `the card is ${size} bytes; Teams accepts under ${MAX_BYTES}`);
  return problems;
}

type Add = (path: string, message: string) => void;

function elements(list: unknown, path: string, add: Add): void {
  if (!Array.isArray(list)) return;
  list.forEach((el, i) => element(el, `${path}[${i}]`, add));
}

function element(el: unknown, path: string, add: Add): void {
  if (!isObj(el)) { add(path, 'an element must be an object with a "type"'); return; }
  const type = el.type;
  if (type === 'Table') { add(`${path}.type`, 'Table is not shown on Teams mobile: use a FactSet or ColumnSet'); return; }
  if (typeof type !== 'string' || !ELEMENTS.has(type)) { add(`${path}.type`, `unknown element type ${JSON.stringify(type)} in Adaptive Cards 1.5`); return; }
  const needString = (key: string) => { if (typeof el[key] !== 'string' || !(el[key] as string).trim()) add(`${path}.${key}`, `${type} needs "${key}"`); };
  const needList = (key: string) => { if (!Array.isArray(el[key])) add(`${path}.${key}`, `${type} needs a list "${key}"`); };
  switch (type) {
    case 'TextBlock': needString('text'); break;
    case 'Image': needString('url'); url(el.url, `${path}.url`, add); break;
    case 'ImageSet': needList('images'); elements(el.images, `${path}.images`, add); break;
    case 'RichTextBlock': needList('inlines'); break;
    case 'Container': needList('items'); elements(el.items, `${path}.items`, add); break;
    case 'ColumnSet':
      if (el.columns !== undefined && !Array.isArray(el.columns)) add(`${path}.columns`, 'ColumnSet needs a list "columns"');
      if (Array.isArray(el.columns)) el.columns.forEach((c, i) => {
        if (!isObj(c) || (c.type !== undefined && c.type !== 'Column')) add(`${path}.columns[${i}]`, 'each column must be {"type": "Column", "items": […]}');
        else elements(c.items, `${path}.columns[${i}].items`, add);
      });
      break;
    case 'FactSet':
      needList('facts');
      if (Array.isArray(el.facts)) el.facts.forEach((f, i) => { if (!isObj(f) || typeof f.title !== 'string' || typeof f.value !== 'string') add(`${path}.facts[${i}]`, 'a fact needs "title" and "value"'); });
      break;
    case 'ActionSet': needList('actions'); actions(el.actions, `${path}.actions`, add); break;
    default: if (type.startsWith('Input.')) needString('id');
  }
  if (isObj(el.selectAction)) action(el.selectAction, `${path}.selectAction`, add);
}

/** Teams shows at most this many buttons in one row (the Adaptive Cards host config's maxActions). */
const MAX_ACTIONS = 5;

function actions(list: unknown, path: string, add: Add): void {
  if (!Array.isArray(list)) return;
  if (list.length > MAX_ACTIONS) add(`${path}[${MAX_ACTIONS}]`, `at most ${MAX_ACTIONS} actions in one list (Teams shows no more)`);
  list.forEach((a, i) => action(a, `${path}[${i}]`, add));
}

function action(a: unknown, path: string, add: Add): void {
  if (!isObj(a)) { add(path, 'an action must be an object with a "type"'); return; }
  const type = a.type;
  if (typeof type !== 'string' || !ACTIONS.has(type)) { add(`${path}.type`, `unknown action type ${JSON.stringify(type)} in Adaptive Cards 1.5`); return; }
  if (type === 'Action.OpenUrl') url(a.url, `${path}.url`, add);
  if (type === 'Action.ShowCard') {
    if (!isObj(a.card)) add(`${path}.card`, 'Action.ShowCard needs a "card"');
    else { elements(a.card.body, `${path}.card.body`, add); actions(a.card.actions, `${path}.card.actions`, add); }
  }
  if (type === 'Action.Execute') add(`${path}.type`, 'Action.Execute has nothing to answer it here: use Action.OpenUrl, or Action.Submit with a menu verb');
  if (type === 'Action.Submit') {
    const verb = isObj(a.data) ? a.data.verb : undefined;
    if (typeof verb !== 'string' || !(TEMPLATE_SUBMIT_VERBS as readonly string[]).includes(verb)) {
      add(`${path}.data`, `Action.Submit needs "data": {"verb": …} with one of ${TEMPLATE_SUBMIT_VERBS.join(', ')}`);
    }
  }
}

function url(value: unknown, path: string, add: Add): void {
  if (typeof value !== 'string' || !/^(https:\/\/|mailto:|tel:|https:\/\/teams\.microsoft\.com\/)/i.test(value)) {
    add(path, `${JSON.stringify(value)} is not a link Teams opens: use https://, mailto: or tel:`);
  }
}

/** A ${…} left after binding means the template names data the bot does not give. */
function unbound(node: unknown, path: string, add: Add): void {
  if (typeof node === 'string') {
    const m = /\$\{([^}]*)\}/.exec(node);
    if (m) add(path, `\${${m[1]}} is not data the bot binds: use \${givenName}, \${name}, \${lang}, \${orgName} or \${botName}`);
  } else if (Array.isArray(node)) {
    node.forEach((n, i) => unbound(n, `${path}[${i}]`, add));
  } else if (isObj(node)) {
    for (const [k, v] of Object.entries(node)) unbound(v, `${path}.${k}`, add);
  }
}
