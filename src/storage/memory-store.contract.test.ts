import { MemoryStore } from './memory-store.js';
import { objectStoreContract } from './store-contract.js';

objectStoreContract('memory', async () => {
  const store = new MemoryStore();
  return { store, cleanup: () => store.dispose() };
});
