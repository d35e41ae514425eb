import type { Engine } from './duckdb.js';

/** At most this many connections at once: each holds one item's tables until the caller drops them. */
const MAX_CONNECTIONS = 4;

/**
 * Runs `work` over `items` on up to min(threads, 4) connections to the engine's database at once
 * (the first is `engine` itself), and returns the results in item order. `done` hears each result
 * as soon as it exists, so a caller can clean up after a failure. On the first failure no new
 * item starts; the ones under way finish, then the failure is thrown.
 */
export async function sideBySide<T, R>(
  engine: Engine,
  items: readonly T[],
  work: (engine: Engine, item: T, index: number) => Promise<R>,
  done: (result: R, index: number) => void = () => {},
): Promise<R[]> {
  const lanes = Math.min(items.length, MAX_CONNECTIONS, items.length > 1 ? await engine.threads() : 1);
  const results: R[] = new Array<R>(items.length);
  const engines: Engine[] = [engine];
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (on: Engine) => {
    while (failure === undefined && next < items.length) {
      const i = next++;
      try {
        const result = await work(on, items[i] as T, i);
        results[i] = result;
        done(result, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  try {
    for (let i = 1; i < lanes; i++) engines.push(await engine.fork());
    await Promise.all(engines.map(lane));
  } finally {
    for (const e of engines.slice(1)) e.close();
  }
  if (failure) throw failure.error;
  return results;
}
