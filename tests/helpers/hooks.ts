import { stopTestAzurite } from './azurite';

/** Mocha root hooks: shared resources are stopped once, after every suite. */
export const mochaHooks = {
  async afterAll(this: unknown): Promise<void> {
    await stopTestAzurite();
  },
};
