import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalStore } from '../storage/index.js';
import { catalogContract } from './catalog-contract.js';

catalogContract('SQLite', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'silt-catalog-contract-'));
  return {
    uri: path.join(dir, '.silt', 'catalog.db'),
    store: new LocalStore(path.join(dir, 'lake')),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});
