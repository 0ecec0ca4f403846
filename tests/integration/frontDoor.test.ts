import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { startTestBot, PEOPLE, TENANT, cardText, validOrder, type TestBot } from '../helpers/botHarness';
import { rawPost, INTERNAL_TEXT, type RawAnswer } from '../helpers/rawHttp';
import { startAzurite, type AzuriteHandle } from '../../infra/local/azurite';
import { freePort } from '../../infra/local/ports';
import { BODY_LIMITS } from '../../bot/http/body';
import { MAX_CHAT_TEXT as MAX_TEXT_CHARS } from '../../bot/handlers/intents';
import { TURN_SETUP_TIMEOUT_MS } from '../../bot/handlers/turn';
import { generateKeySpec } from '../../bot/security/hetuCipher';

let seq = 0;
function activity(userId: string, extra: Record<string, unknown>, sinkUrl: string): Record<string, unknown> {
  return {
    id: `fd-${++seq}`, channelId: 'msteams', serviceUrl: sinkUrl,
    from: { id: `29:${userId}`, aadObjectId: userId }, recipient: { id: '28:bot', name: 'Valtuusbotti' },
    conversation: { id: `a:personal-${userId}`, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } }, locale: 'fi-FI', ...extra,
  };
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

function assertClean(r: RawAnswer, allowed: number[]): Record<string, unknown> {
  assert.ok(allowed.includes(r.status), `status ${r.status} not in ${allowed.join(',')}: ${r.text.slice(0, 200)}`);
  assert.ok(!INTERNAL_TEXT.test(r.text), `internal text in answer: ${r.text.slice(0, 300)}`);
  if (r.text === '') return {};
  assert.match(String(r.headers['content-type']), /application\/json/);
  return JSON.parse(r.text) as Record<string, unknown>;
}

describe('the front door: /api/messages refuses hostile bodies clearly and answers every activity', function () {
  this.timeout(120_000);
  let bot: TestBot;
  let url: string;
  before(async () => { bot = await startTestBot(); url = `${bot.app.url}/api/messages`; });
  after(async () => { await bot?.stop(); });

  const greeting = () => Buffer.from(JSON.stringify(activity(PEOPLE.mikko, { type: 'message', text: 'hei' }, bot.sink.url)));
  async function stillServes(): Promise<void> {
    assert.equal((await fetch(`${bot.app.url}/healthz/live`)).status, 200, 'the process is still up');
    const before = bot.sink.sent().length;
    const r = await rawPost(url, greeting(), JSON_HEADERS);
    assert.equal(r.status, 200);
    assert.ok(bot.sink.sent().length > before, 'a greeting after the attack is still answered');
  }

  it('a body that claims gzip/deflate/br but is not is refused with 400 and the process stays up (point 1)', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const r = await rawPost(url, Buffer.from('this is not compressed at all, just text '.repeat(50)), { ...JSON_HEADERS, 'content-encoding': encoding });
      const body = assertClean(r, [400]);
      assert.equal(body.error, 'bad_encoding', encoding);
      assert.match(String(body.message), new RegExp(encoding));
    }
    // A truncated gzip stream is malformed too.
    const truncated = zlib.gzipSync(greeting()).subarray(0, 40);
    assertClean(await rawPost(url, truncated, { ...JSON_HEADERS, 'content-encoding': 'gzip' }), [400]);
    await stillServes();
  });

  it('gzip, deflate and br bodies of a real activity are read and answered', async () => {
    for (const [encoding, pack] of [['gzip', zlib.gzipSync], ['deflate', zlib.deflateSync], ['br', zlib.brotliCompressSync]] as const) {
      const before = bot.sink.sent().length;
      const r = await rawPost(url, pack(greeting()), { ...JSON_HEADERS, 'content-encoding': encoding });
      assert.equal(r.status, 200, encoding);
      assert.match(JSON.stringify(bot.sink.sent().slice(before)), /Hei Mikko!/, encoding);
    }
  });

  it('decompression bombs stop at the cap: 413 without inflating them, memory stays flat (point 2)', async () => {
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    const bombs: Array<[string, Buffer]> = [
      ['gzip', zlib.gzipSync(zeros, { level: 9 })], ['deflate', zlib.deflateSync(zeros, { level: 9 })], ['br', zlib.brotliCompressSync(zeros)],
    ];
    const rssBefore = process.memoryUsage().rss;
    for (const [encoding, bomb] of bombs) {
      assert.ok(bomb.length < BODY_LIMITS.maxWireBytes, 'the bomb itself fits the wire cap');
      const answers = await Promise.all([1, 2, 3, 4].map(() => rawPost(url, bomb, { ...JSON_HEADERS, 'content-encoding': encoding })));
      for (const r of answers) {
        const body = assertClean(r, [413]);
        assert.equal(body.error, 'body_too_large');
        assert.match(String(body.message), /262144 bytes/);
      }
    }
    // The bot runs in this process: four 64 MB bombs at once would add ≥ 256 MB if inflated.
    const grown = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    assert.ok(grown < 100, `RSS grew ${grown.toFixed(0)} MB`);
    await stillServes();
  });

  it('a body over the wire cap is refused with 413, with or without Content-Length', async () => {
    const big = Buffer.alloc(BODY_LIMITS.maxWireBytes + 10, 0x20);
    assertClean(await rawPost(url, big, JSON_HEADERS), [413]);
    assertClean(await rawPost(url, Buffer.alloc(2 * 1024 * 1024, 0x20), JSON_HEADERS, { chunked: true }), [413]);
    await stillServes();
  });

  it('wrong media types, unknown encodings, invalid JSON, non-objects and missing or mistyped fields get 4xx naming the problem', async () => {
    const cases: Array<[string, Buffer | string, Record<string, string>, number, RegExp]> = [
      ['xml', '<activity type="message"/>', { 'content-type': 'application/xml' }, 415, /Content-Type must be application\/json/],
      ['form', 'type=message', { 'content-type': 'application/x-www-form-urlencoded' }, 415, /Content-Type/],
      ['charset', greeting(), { 'content-type': 'application/json; charset=latin1' }, 415, /charset/],
      ['compress', greeting(), { ...JSON_HEADERS, 'content-encoding': 'compress' }, 415, /Content-Encoding/],
      ['two encodings', greeting(), { ...JSON_HEADERS, 'content-encoding': 'gzip, br' }, 415, /one encoding only/],
      ['invalid JSON', '{"type": "message", ', JSON_HEADERS, 400, /not valid JSON/],
      ['array', '[1,2,3]', JSON_HEADERS, 400, /JSON object/],
      ['string', '"message"', JSON_HEADERS, 400, /JSON object/],
      ['null', 'null', JSON_HEADERS, 400, /JSON object/],
      ['empty', '', JSON_HEADERS, 400, /empty/],
      ['deep', `{"type":"message","value":${'['.repeat(5000)}${']'.repeat(5000)}}`, JSON_HEADERS, 400, /nested more than 64/],
      ['no type', JSON.stringify(activity(PEOPLE.mikko, { text: 'hei' }, 'http://127.0.0.1:9/')), JSON_HEADERS, 400, /activity\.type is required/],
      ['text number', JSON.stringify(activity(PEOPLE.mikko, { type: 'message', text: 42 }, 'http://127.0.0.1:9/')), JSON_HEADERS, 400, /activity\.text must be a string/],
      ['from string', JSON.stringify({ ...activity(PEOPLE.mikko, { type: 'message' }, 'http://127.0.0.1:9/'), from: 'me' }), JSON_HEADERS, 400, /activity\.from must be an object/],
    ];
    for (const [label, body, headers, status, message] of cases) {
      const answer = assertClean(await rawPost(url, body, headers), [status]);
      assert.match(String(answer.message), message, label);
    }
    // No Content-Type at all is still read as JSON (what was accepted before stays accepted).
    assert.equal((await rawPost(url, greeting(), {})).status, 200);
    await stillServes();
  });

  it('unknown or malformed card actions get a polite "card is out of date" card in the user\'s language (point 3)', async () => {
    const invoke = (userId: string, value: unknown) => rawPost(url, JSON.stringify(activity(userId, { type: 'invoke', name: 'adaptiveCard/action', value }, bot.sink.url)), JSON_HEADERS);
    const shapes: unknown[] = [
      { action: { type: 'Action.Execute', verb: 'dropTables', data: {} } },
      { action: { type: 'Action.Execute', verb: '__proto__', data: {} } },
      { action: { type: 'Action.Execute', verb: 'constructor', data: {} } },
      { action: { type: 'Action.Execute', verb: 42, data: {} } },
      { action: { type: 'Action.Submit', verb: 'orderSubmit', data: validOrder() } },
      { action: { type: 'Action.Execute', verb: 'orderSubmit', data: 'not an object' } },
      { action: null }, null, undefined, 'x', [],
    ];
    for (const value of shapes) {
      const body = assertClean(await invoke(PEOPLE.mikko, value), [200]);
      assert.equal(body.type, 'application/vnd.microsoft.card.adaptive', JSON.stringify(value));
      assert.match(cardText(body.value), /vanhentunut|Jotain meni vikaan|Valtuuden tilaus|Tarkista/, JSON.stringify(value));
    }
    const sv = assertClean(await invoke(PEOPLE.johan, { action: { type: 'Action.Execute', verb: 'dropTables' } }), [200]);
    assert.match(cardText(sv.value), /Det här kortet är föråldrat/);
  });

  it('any other invoke name gets a polite 200 answer in its expected format, never 501', async () => {
    for (const name of ['task/fetch', 'composeExtension/query', 'signin/verifyState', 'foo/bar', '', 'constructor']) {
      const r = await rawPost(url, JSON.stringify(activity(PEOPLE.mikko, { type: 'invoke', name, value: {} }, bot.sink.url)), JSON_HEADERS);
      const body = assertClean(r, [200]);
      assert.match(JSON.stringify(body), /Tätä toimintoa ei tueta/, name);
    }
    const noName = await rawPost(url, JSON.stringify(activity(PEOPLE.mikko, { type: 'invoke' }, bot.sink.url)), JSON_HEADERS);
    assertClean(noName, [200]);
  });

  it('an over-long message gets "too long" in the user\'s language and never reaches matching; /healthz stays quick (point 7)', async () => {
    const before = bot.sink.sent().length;
    const long = 'valtuus '.repeat(30_000); // 240 KB
    const probes: number[] = [];
    const turn = rawPost(url, JSON.stringify(activity(PEOPLE.johan, { type: 'message', text: long }, bot.sink.url)), JSON_HEADERS);
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now();
      assert.equal((await fetch(`${bot.app.url}/healthz`)).status, 200);
      probes.push(Date.now() - t0);
    }
    assert.equal((await turn).status, 200);
    const replies = JSON.stringify(bot.sink.sent().slice(before));
    assert.match(replies, new RegExp(`Ditt meddelande är för långt \\(över ${MAX_TEXT_CHARS} tecken\\)`));
    assert.ok(!/Sanasto|Ordlista|Glossary/.test(replies), 'no glossary answer');
    assert.ok(Math.max(...probes) < 1000, `healthz took ${Math.max(...probes)} ms`);
    // Exactly at the cap is still read normally.
    const atCap = await rawPost(url, JSON.stringify(activity(PEOPLE.mikko, { type: 'message', text: 'x'.repeat(MAX_TEXT_CHARS) }, bot.sink.url)), JSON_HEADERS);
    assert.equal(atCap.status, 200);
    assert.ok(!/liian pitkä/.test(JSON.stringify(bot.sink.sent().slice(-1))));
  });

  it('an activity without a type or with garbage fields never yields 5xx or SDK text', async () => {
    const weird = [{ type: 'foo' }, { type: 'event', name: 'x' }, { type: 'message' }, { type: 'message', text: null, from: null }, { type: 'conversationUpdate', membersAdded: [{}] }];
    for (const w of weird) assertClean(await rawPost(url, JSON.stringify({ ...activity(PEOPLE.mikko, {}, bot.sink.url), ...w }), JSON_HEADERS), [200, 400]);
    const bare = await rawPost(url, JSON.stringify({ type: 'message', text: 'hei' }), JSON_HEADERS);
    assertClean(bare, [200, 400]);
    await stillServes();
  });
});

describe('storage outage: the turn setup is inside the error handling (point 4)', function () {
  this.timeout(120_000);
  let azurite: AzuriteHandle;
  let bot: TestBot;
  before(async () => {
    azurite = await startAzurite({ port: await freePort() });
    bot = await startTestBot({ AZURE_TABLES_CONNECTION_STRING: azurite.connectionString });
  });
  after(async () => { await bot?.stop(); await azurite?.stop(); });

  it('with Azurite stopped a greeting and an order submit get "try again shortly" in the user\'s language within seconds', async () => {
    await bot.message(PEOPLE.mikko, 'hei'); // storage still up: a normal answer first (Johan stays unseen, so uncached)
    await azurite.stop();
    const before = bot.sink.sent().length;
    let t0 = Date.now();
    const greeting = await bot.message(PEOPLE.johan, 'hej');
    const greetMs = Date.now() - t0;
    assert.equal(greeting.status, 200);
    const replies = JSON.stringify(bot.sink.sent().slice(before));
    assert.match(replies, /Tjänsten svarar inte just nu/, `Swedish, from the directory, although the user record cannot be read: ${replies.slice(600, 2000)}`);
    assert.ok(greetMs < TURN_SETUP_TIMEOUT_MS + 2000, `greeting answered after ${greetMs} ms`);

    t0 = Date.now();
    const r = await bot.post({ ...activity(PEOPLE.mikko, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'orderSubmit', data: validOrder() } } }, bot.sink.url) });
    const submitMs = Date.now() - t0;
    assert.equal(r.status, 200);
    assert.match(cardText(r.body.value), /Palvelu ei juuri nyt vastaa/);
    assert.ok(submitMs < 6000, `submit answered after ${submitMs} ms`);

    const unknownVerb = await bot.post({ ...activity(PEOPLE.mikko, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'dropTables' } } }, bot.sink.url) });
    assert.equal(unknownVerb.status, 200);
    assert.match(cardText(unknownVerb.body.value), /Tämä kortti on vanhentunut/, 'an unknown verb needs no storage: still the polite out-of-date card');
    assert.equal((await fetch(`${bot.app.url}/healthz`)).status, 503, 'readiness tells the outage');
    assert.equal((await fetch(`${bot.app.url}/healthz/live`)).status, 200);
  });
});

describe('production mode: authentication failures answer generically (point 3)', function () {
  this.timeout(120_000);
  let bot: TestBot;
  before(async () => {
    bot = await startTestBot({
      MICROSOFT_APP_ID: '11111111-2222-4333-8444-555555555555', MICROSOFT_APP_TENANT_ID: TENANT, MICROSOFT_APP_PASSWORD: 'test-secret-not-used-offline',
      HETU_KEYS: generateKeySpec('k2026'), ORG_NAME_FI: 'Porvoon kaupunki', DIRECTORY: 'file', HOST: '127.0.0.1',
    });
  });
  after(async () => { await bot?.stop(); });

  it('no token → 401; a well-formed forged JWT whose signing keys cannot be fetched → 401/503 with no SDK or key-endpoint text', async () => {
    const url = `${bot.app.url}/api/messages`;
    const body = JSON.stringify(activity(PEOPLE.mikko, { type: 'message', text: 'hei' }, bot.sink.url));
    const none = assertClean(await rawPost(url, body, JSON_HEADERS), [401]);
    assert.equal(none.error, 'unauthorized');
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const forged = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'forged-kid' })}.${b64({ iss: 'https://api.botframework.com', aud: '11111111-2222-4333-8444-555555555555',
      serviceurl: bot.sink.url, nbf: now - 60, exp: now + 3600 })}.${Buffer.from('not a signature').toString('base64url')}`;
    const before = bot.sink.sent().length;
    for (const type of ['message', 'invoke']) {
      const b = JSON.stringify(activity(PEOPLE.mikko, { type, text: 'hei', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'menuOrder' } } }, bot.sink.url));
      const r = await rawPost(url, b, { ...JSON_HEADERS, authorization: `Bearer ${forged}` }, { timeoutMs: 60_000 });
      const answer = assertClean(r, [401, 503]);
      assert.match(String(answer.error), /^(unauthorized|unavailable)$/);
    }
    assert.equal(bot.sink.sent().length, before, 'no turn ran');
  });
});
