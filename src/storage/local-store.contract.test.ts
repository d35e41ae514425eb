import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalStore } from './local-store.js';
import { objectStoreContract } from './store-contract.js';

objectStoreContract('local folder', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'silt-store-contract-'));
  return { store: new LocalStore(path.join(dir, 'lake')), cleanup: () => rm(dir, { recursive: true, force: true }) };
});
