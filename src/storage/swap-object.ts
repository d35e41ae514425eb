import { CommitConflict } from '../errors.js';
import { cannotSwap, type ObjectStore } from './object-store.js';

/**
 * Replaces a small object by compare-and-swap: `next` is given the bytes there now (undefined when
 * there is no object) and returns what to write, or undefined to leave it as it is. A write that
 * loses to another (If-Match on the version read, If-None-Match for a new object) reads again and
 * asks `next` again. Returns whether this call wrote. The store must swap (`store.swaps`).
 */
export async function swapObject(
  store: ObjectStore,
  key: string,
  next: (current: Buffer | undefined) => string | Uint8Array | undefined,
  maxAttempts = 50,
): Promise<boolean> {
  if (!store.swaps) throw cannotSwap(store, key);
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const current = await store.getVersioned(key);
    const data = next(current?.data);
    if (data === undefined) return false;
    const won = current ? await store.put(key, data, { ifMatch: current.version }) : await store.put(key, data, { ifAbsent: true });
    if (won) return true;
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 5 * 2 ** attempt)));
  }
  throw new CommitConflict(`storage: ${store.uri(key)}: other writers replaced it first ${maxAttempts} times in a row; retry later`);
}
