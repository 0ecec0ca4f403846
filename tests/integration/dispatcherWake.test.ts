import assert from 'node:assert/strict';
import { startTestBot, PEOPLE, validOrder, cardText, type TestBot } from '../helpers/botHarness';

/**
 * The dispatcher wakes on a commit in its own process: with a poll interval of a minute, a submitted order's
 * card reaches the administrators' channel within a second — also while another pass is still busy with a slow
 * delivery (a kick during a pass must not wait for that pass to end, nor be lost).
 */
describe('outbox dispatcher: a commit in this process is delivered at once, not at the next poll', function () {
  this.timeout(60_000);
  const POLL_MS = 60_000;
  const BOUND_MS = 1500;
  let bot: TestBot;
  beforeEach(async () => { bot = await startTestBot({}, { dispatcherPollMs: POLL_MS }); });
  afterEach(async () => { await bot.stop(); });

  async function submit(who: string, overrides: Record<string, unknown>): Promise<{ number: string; at: number }> {
    const card = await bot.execute(who, 'orderSubmit', validOrder(overrides));
    const number = /(VB-\d{4}-\d{5})/.exec(cardText(card))?.[1];
    assert.ok(number, cardText(card));
    return { number, at: Date.now() };
  }

  const cardPostedAt = async (number: string): Promise<number> => {
    const posted = () => bot.sink.created().find((r) => !r.body.__answeredWith && JSON.stringify(r.body).includes(number)
      && (r.body.channelData as { channel?: unknown } | undefined)?.channel);
    await bot.sink.waitFor(() => posted() !== undefined, 20_000);
    return posted()!.at;
  };

  it('posts the card of a new order well before the next poll', async () => {
    // Let the start-up pass finish, so the submit's kick is what wakes the dispatcher.
    await new Promise((r) => setTimeout(r, 300));
    const s = await submit(PEOPLE.mikko, { themes: 'veroasioiden-hoito' });
    const latency = (await cardPostedAt(s.number)) - s.at;
    assert.ok(latency < BOUND_MS, `card posted ${latency} ms after the submit answer`);
  });

  it('a commit while another pass waits on a slow delivery is delivered without waiting for that pass', async () => {
    await new Promise((r) => setTimeout(r, 300));
    // The manager's notices hang for 8 s at the connector: the pass that sends the first one is busy that long.
    bot.sink.delay((r) => (JSON.stringify(r.body).includes(PEOPLE.aino) ? 8000 : undefined));
    const first = await submit(PEOPLE.mikko, { themes: 'veroasioiden-hoito' });
    await cardPostedAt(first.number);
    await bot.sink.waitFor(() => bot.sink.held.length > 0, 5000);
    const second = await submit(PEOPLE.sanna, { givenName: 'Sanna', surname: 'Korhonen', themes: 'veroilmoittaminen' });
    const latency = (await cardPostedAt(second.number)) - second.at;
    assert.ok(latency < BOUND_MS, `second card posted ${latency} ms after its submit, while the first pass was still busy`);
  });
});
