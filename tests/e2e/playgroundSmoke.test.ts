import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import restify, { type Server } from 'restify';
import { CardFactory, CloudAdapter, ConfigurationBotFrameworkAuthentication, MemoryStorage, type Activity } from 'botbuilder';
import { Application, TurnState, type AdaptiveCard } from '@microsoft/teams-ai';
import { freePort } from '../../infra/local/ports';
import { restartPlaygroundAs, startPlayground, type PlaygroundHandle, type PlaygroundOptions } from '../../infra/local/playground';
import {
  PLAYGROUND_CAST, PLAYGROUND_IDS, PLAYGROUND_USER_COUNT, castMember, personalChatIdFor, playgroundConfig, renderPlaygroundConfig,
  writePlaygroundConfig,
} from '../../infra/local/playgroundConfig';
import { launchBrowser, TeamsClient, type E2EBrowser } from '../helpers/teamsClient';

/**
 * Proves the playground launcher, its config and the TeamsClient page object against a stub bot (restify +
 * CloudAdapter without app id + teams-ai Application), with Chromium driving the playground UI.
 */

const MIKKO = castMember('employee');
const SCREENSHOTS = path.join(os.tmpdir(), 'valtuusbotti-e2e-screens');

describe('Agents Playground config', () => {
  it('the committed .m365agentsplayground.yml is what writePlaygroundConfig("employee") writes', () => {
    const committed = fs.readFileSync(path.join(projectRoot(), '.m365agentsplayground.yml'), 'utf8');
    assert.equal(committed, renderPlaygroundConfig('employee'));
  });

  it('fits the tool: currentUser plus exactly 5 other users, unique ids, one channel besides General', () => {
    for (const member of PLAYGROUND_CAST) {
      for (const who of [member.role, member.aadObjectId]) {
        const c = playgroundConfig(who);
        assert.equal(c.currentUser.aadObjectId, member.aadObjectId);
        assert.equal(c.users.length, PLAYGROUND_USER_COUNT);
        assert.ok(!c.users.some((u) => u.id === c.currentUser.id));
        const chatIds = [c.personalChat.id, c.groupChat.id, c.team.id, ...c.team.channels.map((ch) => ch.id)];
        assert.equal(new Set(chatIds).size, chatIds.length);
        assert.equal(c.team.channels.length, 1);
      }
    }
    assert.throws(() => playgroundConfig('nobody'), /Unknown playground user "nobody"/);
  });
});

describe('Agents Playground launcher failures', function () {
  this.timeout(60_000);
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-fail-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('refuses a taken port and names it and PLAYGROUND_PORT', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      writePlaygroundConfig('employee', path.join(tmp, 'ok.yml'));
      await assert.rejects(
        startPlayground({ port, botEndpoint: 'http://127.0.0.1:9/api/messages', configPath: path.join(tmp, 'ok.yml'), logFile: path.join(tmp, 'ok.log') }),
        (err: Error) => err.message.includes(String(port)) && err.message.includes('PLAYGROUND_PORT'),
      );
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  it('surfaces a config error that the tool reports only in its log', async () => {
    const bad = { ...playgroundConfig('employee') };
    bad.users = bad.users.slice(0, 4);
    const file = path.join(tmp, 'bad.json'); // the tool parses YAML, so JSON is accepted too
    fs.writeFileSync(file, JSON.stringify(bad));
    await assert.rejects(
      startPlayground({ port: await freePort(), botEndpoint: 'http://127.0.0.1:9/api/messages', configPath: file, logFile: path.join(tmp, 'bad.log') }),
      /must NOT have fewer than 5 items/,
    );
  });
});

describe('Agents Playground E2E smoke (stub bot, Chromium)', function () {
  this.timeout(120_000);
  const run = `${process.pid}-${Date.now() % 100_000}`;
  let tmp: string;
  let stub: StubBot | undefined;
  let playground: PlaygroundHandle | undefined;
  let playgroundOptions: PlaygroundOptions;
  let browser: E2EBrowser | undefined;
  let client: TeamsClient;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-smoke-'));
    stub = await startStubBot(await freePort());
    const configPath = path.join(tmp, 'playground.yml');
    writePlaygroundConfig('employee', configPath);
    playgroundOptions = {
      port: await freePort(), botEndpoint: stub.endpoint, configPath, logFile: path.join(tmp, 'playground.log'), cwd: tmp,
    };
    playground = await startPlayground(playgroundOptions);
    browser = await launchBrowser();
    client = await TeamsClient.open(playground.url, browser);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && browser) {
      const file = path.join(SCREENSHOTS, `${(this.currentTest.title).replace(/\W+/g, '_')}.png`);
      await client.screenshot(file).catch(() => undefined);
      console.log(`  screenshot: ${file}`);
    }
  });

  after(async () => {
    await browser?.close();
    await playground?.stop();
    await stub?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('personal chat: card inputs, date, multi-select and Action.Execute round-trip as Mikko', async () => {
    const name = `Testi ${run}`;
    const n = Date.now();
    const date = `2027-${pad(1 + (n % 12))}-${pad(10 + (n % 18))}`;

    await client.openPersonalChat();
    await client.send('hei');
    const card = await client.waitForCardWithText('Testilomake');
    await client.fillInput(card, 'Nimi', name);
    await client.fillDate(card, 'Päivä', date);
    await client.tick(card, 'Päärynä');
    await client.choose(card, 'Kunta', 'Loviisa');
    await client.clickInCard(card, 'Lähetä');

    const echo = await client.waitForCardWithText(`nimi=${name};`);
    const text = await echo.innerText();
    assert.match(text, new RegExp(`päivä=${date};`));
    assert.match(text, /valinnat=paaryna;/);
    assert.match(text, /kunta=loviisa\b/);
    assert.ok((await client.messagesText()).includes(`nimi=${name};`));

    const got = stub!.activities;
    const message = got.find((a) => a.type === 'message' && a.text === 'hei');
    assert.ok(message, 'the stub got the message');
    assert.equal(message.from.aadObjectId, MIKKO.aadObjectId);
    assert.equal(message.conversation.tenantId, PLAYGROUND_IDS.tenantId);
    assert.equal(message.conversation.conversationType, 'personal');
    const invoke = got.find((a) => a.type === 'invoke' && a.name === 'adaptiveCard/action');
    assert.ok(invoke, 'the stub got the Action.Execute invoke');
    assert.equal(invoke.from.aadObjectId, MIKKO.aadObjectId);
    assert.equal(invoke.conversation.tenantId, PLAYGROUND_IDS.tenantId);
  });

  it('channel Tilaukset: an @mention post reaches the bot with the channel id, the reply shows in the thread', async () => {
    const marker = `tilaus ${run}`;
    await client.openChannel('Valtuushallinta', 'Tilaukset');
    await client.postInChannel(marker);

    const activity = await waitFor(() => stub!.activities.find((a) => a.type === 'message' && (a.text ?? '').includes(marker)));
    const channelData = activity.channelData as { channel?: { id?: string }; team?: { id?: string } };
    assert.equal(channelData.channel?.id, PLAYGROUND_IDS.channelId);
    assert.equal(channelData.team?.id, PLAYGROUND_IDS.teamId);
    assert.equal(activity.conversation.conversationType, 'channel');
    assert.ok(activity.conversation.id.startsWith(`${PLAYGROUND_IDS.channelId};messageid=`));
    assert.equal(activity.from.aadObjectId, MIKKO.aadObjectId);

    await client.waitForMessageText(`Kuultu: ${marker}`);
    await client.waitForCardWithText('Testilomake');
    assert.ok((await client.lastCard().innerText()).includes('Testilomake'));
    // Bot text only: the user's own post ("Valtuusbotti tilaus …") must not count as a bot message.
    assert.ok(!(await client.messagesText()).split('\n').includes(`${PLAYGROUND_IDS.botName} ${marker}`));
  });

  it('switching user: restart as the manager on the same port, reload, and the bot sees Aino', async () => {
    const aino = castMember('manager');
    playground = await restartPlaygroundAs(playground, 'manager', playgroundOptions);
    assert.equal(playground.port, playgroundOptions.port);
    await client.reload();
    await client.openPersonalChat();
    await client.send(`moi ${run}`);
    const activity = await waitFor(() => stub!.activities.find((a) => a.type === 'message' && a.text === `moi ${run}`));
    assert.equal(activity.from.aadObjectId, aino.aadObjectId);
    assert.equal(activity.conversation.id, personalChatIdFor('manager'));
    await client.waitForMessageText(`Kuultu: moi ${run}`);
  });
});

// --- Stub bot ---

interface StubBot {
  endpoint: string;
  /** Every activity posted to /api/messages, as received. */
  activities: Activity[];
  stop(): Promise<void>;
}

interface FormData { nimi?: string; paiva?: string; valinnat?: string; kunta?: string }

const FORM: AdaptiveCard = {
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body: [
    { type: 'TextBlock', text: 'Testilomake', weight: 'Bolder' },
    { type: 'Input.Text', id: 'nimi', label: 'Nimi', isRequired: true, errorMessage: 'Pakollinen' },
    { type: 'Input.Date', id: 'paiva', label: 'Päivä' },
    { type: 'Input.ChoiceSet', id: 'valinnat', label: 'Valinnat', isMultiSelect: true, style: 'expanded',
      choices: [{ title: 'Omena', value: 'omena' }, { title: 'Päärynä', value: 'paaryna' }] },
    { type: 'Input.ChoiceSet', id: 'kunta', label: 'Kunta', style: 'compact',
      choices: [{ title: 'Porvoo', value: 'porvoo' }, { title: 'Loviisa', value: 'loviisa' }] },
  ],
  actions: [{ type: 'Action.Execute', title: 'Lähetä', verb: 'laheta', data: {} }],
};

async function startStubBot(port: number): Promise<StubBot> {
  const activities: Activity[] = [];
  // No app id: the adapter accepts the playground's unauthenticated calls, as a local bot does.
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const app = new Application<TurnState>({ storage: new MemoryStorage(), removeRecipientMention: true, startTypingTimer: false });
  app.activity('message', async (ctx) => {
    await ctx.sendActivity(`Kuultu: ${(ctx.activity.text ?? '').trim()}`);
    await ctx.sendActivity({ attachments: [CardFactory.adaptiveCard(FORM)] });
  });
  app.adaptiveCards.actionExecute<FormData>('laheta', async (_ctx, _state, data) => ({
    type: 'AdaptiveCard',
    version: '1.5',
    body: [{ type: 'TextBlock', wrap: true, text: `Vastaus: nimi=${data.nimi}; päivä=${data.paiva}; valinnat=${data.valinnat}; kunta=${data.kunta}` }],
  }));

  const server: Server = restify.createServer({ handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  server.post('/api/messages', async (req, res) => {
    activities.push(req.body as Activity);
    await adapter.process(req, res, (ctx) => app.run(ctx).then(() => undefined));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${port}/api/messages`,
    activities,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// --- small helpers ---

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}
