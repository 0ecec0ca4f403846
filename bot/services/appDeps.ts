import type { Deps } from './deps';
import type { CatalogStore } from '../store/catalogStore';
import type { InstallStore } from '../store/installStore';
import type { BackgroundWork } from './backgroundWork';

/**
 * What the chat's use cases touch beyond the order services' Deps: the catalog's own store (the held flag) and the
 * team installations. Store-typed members live here, at the services level, so the handlers never name a store.
 */
export interface AppDeps extends Deps {
  /** Administrators: held-by-organisation toggles (writes a new catalog version). */
  catalogStore: CatalogStore;
  /** Team installations (channel references; one setup card per installation). */
  installs?: InstallStore;
  /** Work that outlives the turn that started it (the review meeting's calendar call); absent = not tracked. */
  background?: BackgroundWork;
  /** The bot's public origin (PUBLIC_URL, else the local server's address once it listens): the CSV links point there. */
  publicUrl?: string;
}
