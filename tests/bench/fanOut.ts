/**
 * Bench scenario "fan-out": 1,000 pending notifications (250 orders × 4 people) delivered by one dispatcher
 * wired as production wires it (the shared Table Storage budget), through a connector that enforces Teams'
 * 30 messages/s per app (a request over 30 in the last second is answered 429) and throttles every 50th
 * request besides (2 %) with 429 + Retry-After: 1 s. Reports delivered per second, lost,
 * duplicated, and the busiest second of requests the connector saw.
 */
import type { RunningApp } from '../../bot/main';
import { ConnectorSink } from '../helpers/connectorSink';
import { busiestSecond, loadDispatcher, LOAD_MESSAGE, PER_SECOND, queueLoad } from '../helpers/outboxLoad';

export const FAN_OUT_ORDERS = 250;
export const FAN_OUT_PER_ORDER = 4;
/** Every n-th request is throttled by the connector (2 %), besides the ones over the limit. */
export const THROTTLE_EVERY = 50;

export interface FanOutResult {
  total: number;
  delivered: number;
  lost: number;
  duplicated: number;
  /** Requests answered 429: over the limit (the budget let too many through) / injected. */
  overLimit: number;
  injected: number;
  /** Delivered messages per second, from the dispatcher's start to the last delivery. */
  perSecond: number;
  busiest: number;
  elapsedMs: number;
}

export async function fanOut(startBot: (prefix: string, serviceUrl: string) => Promise<RunningApp>, connectionString: string, prefix: string): Promise<FanOutResult> {
  const sink = await ConnectorSink.start();
  const app = await startBot(prefix, sink.url);
  // The app's own dispatcher stays out: the one under test is wired below, as another instance would be.
  await app.dispatcher.stop();
  try {
    const total = await queueLoad(app, sink.url, FAN_OUT_ORDERS, FAN_OUT_PER_ORDER);
    sink.reset();
    const arrivals: number[] = [];
    let seen = 0;
    let overLimit = 0;
    let injected = 0;
    sink.rule((r) => {
      if (r.method !== 'POST' || !LOAD_MESSAGE.test(r.path)) return undefined;
      arrivals.push(r.at);
      let inLastSecond = 0;
      for (let i = arrivals.length - 1; i >= 0 && arrivals[i] > r.at - 1000; i--) inLastSecond++;
      if (inLastSecond > PER_SECOND) { overLimit++; return { status: 429, headers: { 'Retry-After': '1' } }; }
      if (++seen % THROTTLE_EVERY === 0) { injected++; return { status: 429, headers: { 'Retry-After': '1' } }; }
      return undefined;
    });
    const dispatcher = await loadDispatcher(connectionString, prefix, app, sink.url, true);
    const ok = () => sink.sent().filter((r) => LOAD_MESSAGE.test(r.path) && !r.body.__answeredWith);
    const started = Date.now();
    dispatcher.start();
    // Not all delivered in time shows as lost messages.
    await sink.waitFor(() => new Set(ok().map((r) => r.path)).size >= total, 240_000).then(() => undefined, () => undefined);
    await dispatcher.stop();
    const delivered = ok();
    const unique = new Set(delivered.map((r) => r.path)).size;
    const last = Math.max(started, ...delivered.map((r) => r.at));
    const elapsedMs = last - started;
    return { total, delivered: delivered.length, lost: total - unique, duplicated: delivered.length - unique, overLimit, injected,
      perSecond: delivered.length / (elapsedMs / 1000), busiest: busiestSecond(arrivals), elapsedMs };
  } finally {
    await app.stop();
    await sink.close();
  }
}
