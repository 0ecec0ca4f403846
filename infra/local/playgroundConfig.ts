import fs from 'node:fs';
import path from 'node:path';
import { LOCAL_CLIENT_TENANT_ID } from '../../bot/config';

/**
 * The Microsoft 365 Agents Playground (0.2.28) config for local runs and E2E tests: the sample organisation's
 * six people (data/sample-org.json), one team "Valtuushallinta" with the administrators' channel "Tilaukset".
 *
 * Rules enforced by the tool (read from its bundle: JSON schema + ConfigManager.validateBusinessLogic):
 * - `users` must hold exactly 5 entries and `currentUser` must NOT be one of them (ids must be unique), so the
 *   six-person cast fits exactly: the chosen person is currentUser, the other five are users[].
 * - personalChat, groupChat, team and channel ids must all differ; General's id is the team id.
 * - at most one channel besides General; bot name ≤ 42 chars; unknown keys are rejected.
 * The file is parsed with the `yaml` package, so JSON would also be accepted; we write YAML because the
 * committed `.m365agentsplayground.yml` is read by people too.
 */

export type PlaygroundRole = 'employee' | 'manager' | 'administrator' | 'administrator2' | 'signatory' | 'swedish';

export interface CastMember {
  role: PlaygroundRole;
  /** The playground's user id (Bot Framework `from.id`); the bot must not rely on it. */
  id: string;
  name: string;
  givenName: string;
  surname: string;
  /** Entra object id: the only identity the bot uses. */
  aadObjectId: string;
  email: string;
}

export const PLAYGROUND_CAST: readonly CastMember[] = [
  { role: 'employee', id: 'user-mikko', name: 'Mikko Virtanen', givenName: 'Mikko', surname: 'Virtanen', aadObjectId: '7b5e2561-7863-55ae-a8d6-36e54dc47c0c', email: 'mikko.virtanen@porvoo.example' },
  { role: 'manager', id: 'user-aino', name: 'Aino Lindqvist', givenName: 'Aino', surname: 'Lindqvist', aadObjectId: '6e6859e7-43aa-5410-aabe-168b8923449e', email: 'aino.lindqvist@porvoo.example' },
  { role: 'administrator', id: 'user-eija', name: 'Eija Mäkelä', givenName: 'Eija', surname: 'Mäkelä', aadObjectId: '2f6cb537-66c5-5019-a6e5-5a622419ee49', email: 'eija.makela@porvoo.example' },
  { role: 'administrator2', id: 'user-camilla', name: 'Camilla Grönlund', givenName: 'Camilla', surname: 'Grönlund', aadObjectId: 'b96be055-f2dc-5e92-821c-108e2018f858', email: 'camilla.gronlund@porvoo.example' },
  { role: 'signatory', id: 'user-kaarina', name: 'Kaarina Salo', givenName: 'Kaarina', surname: 'Salo', aadObjectId: '8f3324e7-2587-572c-a7da-1c34a2a5f962', email: 'kaarina.salo@porvoo.example' },
  { role: 'swedish', id: 'user-johan', name: 'Johan Sjöberg', givenName: 'Johan', surname: 'Sjöberg', aadObjectId: 'aede4d49-ec59-5b24-aa25-747a6f3ad6eb', email: 'johan.sjoberg@porvoo.example' },
];

export const PLAYGROUND_IDS = {
  tenantId: LOCAL_CLIENT_TENANT_ID, // local mode answers only this tenant (bot/config.ts)
  botId: '00000000-0000-4000-8000-0000000000b0',
  botName: 'Valtuusbotti',
  teamId: '19:valtuushallinta@thread.tacv2',
  teamName: 'Valtuushallinta',
  /** General's conversation id is the team id (a playground rule, as in Teams). */
  generalChannelId: '19:valtuushallinta@thread.tacv2',
  teamAadGroupId: '00000000-0000-4000-8000-0000000000a1',
  channelId: '19:tilaukset@thread.tacv2',
  channelName: 'Tilaukset',
  /**
   * Personal chat ids are per person (`<prefix>-<given name>`), as in Teams: a conversation reference the bot
   * stored for Mikko must not land in Aino's chat after a restart as Aino (the playground answers 404 instead).
   */
  personalChatPrefix: 'a:valtuusbotti-personal',
  groupChatId: '19:valtuusbotti-ryhma@thread.v2',
  groupChatName: 'Henkilöstöpalvelut',
} as const;

/** The playground's user shape; `userPrincipleName` is the tool's own spelling. */
export interface PlaygroundUser {
  id: string;
  name: string;
  userPrincipleName: string;
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
}

export interface PlaygroundConfig {
  version: '0.1.1';
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  personalChat: { id: string };
  groupChat: { id: string; name: string };
  team: { id: string; name: string; aadGroupId: string; channels: Array<{ id: string; name: string }> };
}

/** The tool rejects any other count (schema minItems = maxItems = 5). */
export const PLAYGROUND_USER_COUNT = 5;

/** Finds a cast member by role or aadObjectId; throws on anything else so a typo fails loudly. */
export function castMember(who: PlaygroundRole | string): CastMember {
  const found = PLAYGROUND_CAST.find((m) => m.role === who || m.aadObjectId === who.toLowerCase());
  if (!found) {
    throw new Error(`Unknown playground user "${who}": use one of ${PLAYGROUND_CAST.map((m) => m.role).join(', ')} or a cast aadObjectId`);
  }
  return found;
}

export function personalChatIdFor(who: PlaygroundRole | string): string {
  return `${PLAYGROUND_IDS.personalChatPrefix}-${castMember(who).givenName.toLowerCase()}`;
}

function toUser(m: CastMember): PlaygroundUser {
  return { id: m.id, name: m.name, userPrincipleName: m.email, aadObjectId: m.aadObjectId, givenName: m.givenName, surname: m.surname, email: m.email };
}

/** The config with `currentUser` as the signed-in person and the rest of the cast as users[]. */
export function playgroundConfig(currentUser: PlaygroundRole | string): PlaygroundConfig {
  const me = castMember(currentUser);
  const others = PLAYGROUND_CAST.filter((m) => m !== me).map(toUser);
  if (others.length !== PLAYGROUND_USER_COUNT) throw new Error(`The playground needs exactly ${PLAYGROUND_USER_COUNT} users besides currentUser`);
  return {
    version: '0.1.1',
    tenantId: PLAYGROUND_IDS.tenantId,
    bot: { id: PLAYGROUND_IDS.botId, name: PLAYGROUND_IDS.botName },
    currentUser: toUser(me),
    users: others,
    personalChat: { id: personalChatIdFor(me.role) },
    groupChat: { id: PLAYGROUND_IDS.groupChatId, name: PLAYGROUND_IDS.groupChatName },
    team: {
      id: PLAYGROUND_IDS.teamId,
      name: PLAYGROUND_IDS.teamName,
      aadGroupId: PLAYGROUND_IDS.teamAadGroupId,
      channels: [{ id: PLAYGROUND_IDS.channelId, name: PLAYGROUND_IDS.channelName }],
    },
  };
}

const HEADER = [
  '# yaml-language-server: $schema=https://aka.ms/teams-app-test-tool-config/0.1.1/config.schema.json',
  '# Microsoft 365 Agents Playground config for Valtuusbotti (sample organisation, data/sample-org.json).',
  '# Generated by infra/local/playgroundConfig.ts (writePlaygroundConfig): edit that file, not this one.',
  '# The playground demands exactly 5 users besides currentUser; to act as someone else, restart with another currentUser.',
];

/** The YAML text writePlaygroundConfig writes (exported so a test can compare it with the committed file). */
export function renderPlaygroundConfig(currentUser: PlaygroundRole | string): string {
  return [...HEADER, ...emitMapping(playgroundConfig(currentUser) as unknown as YamlMapping, 0)].join('\n') + '\n';
}

export function writePlaygroundConfig(currentUser: PlaygroundRole | string, file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, renderPlaygroundConfig(currentUser), 'utf8');
}

// --- A tiny YAML emitter for this fixed shape: mappings, sequences of mappings, string scalars. ---

type YamlValue = string | number | boolean | YamlMapping | YamlValue[];
interface YamlMapping { [key: string]: YamlValue }

/** Double-quoted JSON strings are valid YAML 1.2 scalars, so ids with ':' or '@' need no special care. */
function scalar(v: string | number | boolean): string {
  return JSON.stringify(v);
}

function emitMapping(obj: YamlMapping, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (Array.isArray(value)) {
      if (value.length === 0) { lines.push(`${pad}${key}: []`); continue; }
      lines.push(`${pad}${key}:`);
      for (const item of value) lines.push(...emitSequenceItem(item, indent + 2));
    } else if (typeof value === 'object') {
      lines.push(`${pad}${key}:`, ...emitMapping(value, indent + 2));
    } else {
      lines.push(`${pad}${key}: ${scalar(value)}`);
    }
  }
  return lines;
}

function emitSequenceItem(item: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(item)) throw new Error('nested sequences are not needed by the playground config');
  if (typeof item !== 'object') return [`${pad}- ${scalar(item)}`];
  // "- " takes the place of the first key's indentation; later keys align with it.
  const body = emitMapping(item, indent + 2);
  return body.map((line, i) => (i === 0 ? `${pad}- ${line.slice(indent + 2)}` : line));
}
