import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalStore } from '../storage/index.js';
import { catalogContract } from './catalog-contract.js';
import { freshPostgresDatabase } from './postgres-test-support.js';

catalogContract('PostgreSQL', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'silt-catalog-contract-'));
  const { uri, drop } = await freshPostgresDatabase();
  return {
    uri,
    store: new LocalStore(path.join(dir, 'lake')),
    cleanup: async () => {
      await drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
