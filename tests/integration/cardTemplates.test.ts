import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../bot/log';
import { startTestBot, PEOPLE, cardText, type TestBot } from '../helpers/botHarness';

/** The cards the bot sent into one person's chat, as text. */
const chatCards = (bot: TestBot, userId: string) => bot.sink.sent()
  .filter((r) => r.path.includes(encodeURIComponent(`a:personal-${userId}`)) || r.path.includes(`a:personal-${userId}`))
  .map((r) => cardText((r.body.attachments as Array<{ content: unknown }> | undefined)?.[0]?.content));

describe('the organisation\'s card templates at start (CARD_TEMPLATES_DIR)', function () {
  this.timeout(60_000);
  let bot: TestBot;
  let dir: string;
  const logLines: string[] = [];
  const stderr: string[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vb-org-templates-'));
    // Broken: a comma missing after "AdaptiveCard" on line 2 (the next property starts on line 3, column 3).
    fs.writeFileSync(path.join(dir, 'welcome.fi.json'), '{\n  "type": "AdaptiveCard"\n  "version": "1.5",\n  "body": []\n}\n');
    fs.writeFileSync(path.join(dir, 'welcome.sv.json'), JSON.stringify({ type: 'AdaptiveCard', version: '1.5', body: [
      { type: 'TextBlock', text: 'Välkommen ${givenName}! Kontaktperson på ${orgName}: Lisa Lind, tfn 040 765 4321.', wrap: true }],
    actions: [{ type: 'Action.OpenUrl', title: 'Intranätet: fullmakter', url: 'https://intra.example.fi/fullmakter' }] }, null, 2));
    const sink = new Writable({ write(chunk, _e, cb) { logLines.push(String(chunk)); cb(); } });
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string | Uint8Array, ...rest: unknown[]) => { stderr.push(String(s)); return (write as (...a: unknown[]) => boolean)(s, ...rest); }) as typeof process.stderr.write;
    try {
      bot = await startTestBot({ CARD_TEMPLATES_DIR: dir }, { log: createLogger('info', sink) });
    } finally {
      process.stderr.write = write;
    }
  });
  after(async () => { await bot?.stop(); });

  it('reports the broken template with its file, line and column in the log and on stderr', () => {
    const expected = `${path.join(dir, 'welcome.fi.json')}:3:3: not valid JSON`;
    const logged = logLines.map((l) => JSON.parse(l) as { level: number; msg: string; line?: number }).find((l) => l.msg.includes('welcome.fi.json'));
    assert.ok(logged, logLines.join(''));
    assert.ok(logged.msg.includes(expected), logged.msg);
    assert.match(logged.msg, /the default card is used instead/);
    assert.equal(logged.level, 50, 'logged as an error');
    assert.equal(logged.line, 3);
    assert.ok(stderr.some((s) => s.includes(expected)), stderr.join(''));
  });

  it('uses the default welcome for the broken one (Finnish), and the organisation\'s own for the valid one (Swedish)', async () => {
    await bot.message(PEOPLE.mikko, 'hei');
    await bot.message(PEOPLE.johan, 'hej');
    await bot.sink.waitFor(() => chatCards(bot, PEOPLE.mikko).length > 0 && chatCards(bot, PEOPLE.johan).length > 0);
    const fi = chatCards(bot, PEOPLE.mikko).join('\n');
    const sv = chatCards(bot, PEOPLE.johan).join('\n');
    assert.match(fi, /Hei Mikko! Autan Suomi\.fi-valtuuksien kanssa\./);
    assert.match(fi, /Tilaa valtuus/, 'the menu buttons are there');
    assert.match(sv, /Välkommen Johan! Kontaktperson på Borgå stad: Lisa Lind/);
    assert.match(sv, /Intranätet: fullmakter/);
    assert.match(sv, /Beställ fullmakt/, 'the menu buttons are kept under the organisation\'s card');
  });

  it('answers "ohjeet" with the instructions card and "apua" with the help card', async () => {
    bot.sink.reset();
    await bot.message(PEOPLE.mikko, 'ohjeet');
    await bot.message(PEOPLE.mikko, 'apua');
    await bot.sink.waitFor(() => chatCards(bot, PEOPLE.mikko).length >= 2);
    const [instructions, help] = chatCards(bot, PEOPLE.mikko);
    assert.match(instructions, /Ohjeet ja yhteystiedot/);
    assert.match(instructions, /Porvoon kaupunki/);
    assert.match(help, /Näin Valtuusbotti toimii/);
  });
});
