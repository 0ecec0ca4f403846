/** What the outbox's crash and channel-lane tests share: storage that dies with its process, and numbered orders. */
import type { TableClient } from '@azure/data-tables';
import assert from 'node:assert/strict';
import { Tables } from '../../bot/store/tables';
import { PEOPLE, TENANT, cardText, validOrder } from './botHarness';

/** A promise that never settles: what a call of a killed process (kill -9) amounts to. */
export const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

/**
 * Table clients for a process that can die: each call asks `dead()` first (the caller may count or decide there) and,
 * once it says so, hangs forever instead of reaching storage.
 */
export class MortalTables extends Tables {
  constructor(connectionString: string, prefix: string, private readonly dead: () => boolean) {
    super({ kind: 'connectionString', connectionString }, prefix);
  }

  override client(logicalName: string): TableClient {
    const inner = super.client(logicalName);
    const dead = this.dead;
    return new Proxy(inner, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function' || prop === 'constructor') return value;
        return (...args: unknown[]) => {
          if (dead()) {
            if (prop === 'listEntities') return { [Symbol.asyncIterator]: () => ({ next: never }), byPage: () => ({ [Symbol.asyncIterator]: () => ({ next: never }) }) };
            return never();
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }
}

/** Theme ids of the seed catalog: one order per theme, so every submit makes a new order. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const SEED_THEMES = (require('../../../data/mandate-themes.json') as { themes: Array<{ id: string; active?: boolean }> }).themes.filter((t) => t.active !== false).map((t) => t.id);

/** Someone of the sample organisation who submits orders for themselves (Mikko unless told). */
export interface Submitter { id: string; givenName: string; surname: string; department: string; mail: string }

/** Mikko (or `who`) submits order `i` (theme i of the seed catalog) straight to the app's endpoint; returns its number. */
export async function submitNumbered(app: { url: string }, sink: { url: string }, i: number, tag: string, who?: Submitter): Promise<string> {
  const id = who?.id ?? PEOPLE.mikko;
  const data = validOrder({ themes: SEED_THEMES[i % SEED_THEMES.length],
    ...(who ? { givenName: who.givenName, surname: who.surname, department: who.department, requesterMail: who.mail } : {}) });
  const res = await fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({
    type: 'invoke', name: 'adaptiveCard/action', id: `${tag}-${i}-${Math.random()}`, channelId: 'msteams', serviceUrl: sink.url,
    from: { id: `29:${id}`, aadObjectId: id }, recipient: { id: '28:bot' },
    conversation: { id: `a:${id}`, conversationType: 'personal', tenantId: TENANT }, channelData: { tenant: { id: TENANT } },
    value: { action: { type: 'Action.Execute', verb: 'orderSubmit', data } } }) });
  const number = /(VB-\d{4}-\d{5})/.exec(cardText(((await res.json()) as { value: unknown }).value))?.[1];
  assert.ok(number, `order ${i} was not accepted`);
  return number;
}
