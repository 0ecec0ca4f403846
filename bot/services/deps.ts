import type { Config } from '../config';
import type { Directory } from '../../graph/directory';
import type { OrderStore } from '../store/orderStore';
import type { GrantStore } from '../store/grantStore';
import type { TaskStore } from '../store/taskStore';
import type { ReviewStore } from '../store/reviewStore';
import type { DirectoryStateStore } from '../store/directoryState';
import type { ExportLinkStore } from '../store/exportLinkStore';
import type { UserStore } from '../store/userStore';
import type { HetuCipher } from '../security/hetuCipher';
import type { CatalogReader } from './catalog';
import type { MeetingScheduler } from '../../graph/calendar';

/** Everything a use case may touch, passed in (no globals), so tests can build it against real Azurite. */
export interface Deps {
  config: Config;
  directory: Directory;
  orders: OrderStore;
  grants: GrantStore;
  /** Register tasks (revocation, review) and people's register notices. */
  tasks: TaskStore;
  /** Reviews: each person's last round and answer, answered reviews for the progress view. */
  reviews: ReviewStore;
  /** What the directory sweep remembers between runs (the delta cursor, each person's last role). */
  directoryState: DirectoryStateStore;
  /** The administrators' one-time CSV download links of a register search. */
  exportLinks: ExportLinkStore;
  users: UserStore;
  catalog: CatalogReader;
  /** Catalog changes made by the bot itself (DVV granted a theme → the organisation now holds it). */
  catalogAdmin: { setHeldByOrganisation(themeId: string, held: boolean): Promise<void> };
  cipher: HetuCipher;
  /** Teams meetings in Outlook calendars (Graph), when MEETING_INVITES is on. */
  meetings?: MeetingScheduler;
  /** The clock; tests may fix it. */
  now: () => Date;
  /** Wakes the outbox dispatcher after a commit (it also polls, so this is only a latency hint). */
  kick: () => void;
}
