import type { TableClient } from '@azure/data-tables';
import type { ConversationReference } from 'botbuilder';
import { Tables, isStatus } from './tables';
import { safeKey } from './entities';
import { slimReference } from './userStore';

/** Where the app is installed in teams: one row per team (counters / team / <team id>). */
export interface TeamInstall { teamId: string; channelId: string; at: number; conversation: Partial<ConversationReference> }

/**
 * The channel references of team installations. Teams sends two activities for one installation into a team
 * (installationUpdate and conversationUpdate), so the row also makes the setup card appear once.
 */
export class InstallStore {
  private readonly table: TableClient;
  static readonly PARTITION = 'team';
  /** Activities of the same installation arrive within seconds; a reinstall later posts the card again. */
  static readonly SAME_INSTALL_MS = 10 * 60_000;

  constructor(tables: Tables) {
    this.table = tables.client('counters');
  }

  /** Records the installation; true when it is new (the setup card should be posted), false for its echo. */
  async recordTeamInstall(teamId: string, channelId: string, ref: Partial<ConversationReference>, now: number): Promise<boolean> {
    const entity = { partitionKey: InstallStore.PARTITION, rowKey: safeKey(teamId), teamId, channelId, at: now, conversation: JSON.stringify(slimReference(ref)) };
    try {
      await this.table.createEntity(entity);
      return true;
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
    }
    const current = await this.table.getEntity<{ channelId: string; at: number }>(InstallStore.PARTITION, safeKey(teamId));
    if (current.channelId === channelId && now - Number(current.at) < InstallStore.SAME_INSTALL_MS) return false;
    try {
      await this.table.updateEntity(entity, 'Replace', { etag: current.etag });
      return true;
    } catch (err) {
      if (isStatus(err, 412)) return false; // the other activity of this installation won
      throw err;
    }
  }

  async get(teamId: string): Promise<TeamInstall | undefined> {
    try {
      const e = await this.table.getEntity<{ teamId: string; channelId: string; at: number; conversation: string }>(InstallStore.PARTITION, safeKey(teamId));
      return { teamId: e.teamId, channelId: e.channelId, at: Number(e.at), conversation: JSON.parse(e.conversation) as Partial<ConversationReference> };
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /** The app was removed from the team: its channel reference goes. */
  async forgetTeam(teamId: string): Promise<void> {
    await this.table.deleteEntity(InstallStore.PARTITION, safeKey(teamId)).catch((err: unknown) => { if (!isStatus(err, 404)) throw err; });
  }
}
