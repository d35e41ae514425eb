import type { StepNode } from './graph.js';

/**
 * Runs `nodes` (in dependency order) each once its dependencies have ended, up to `atOnce` at a
 * time. Ingest steps may run beside each other and beside one silver or gold step; silver and gold
 * steps go one at a time and in the given order, because the SQL they run binds catalog tables to
 * views that every connection of the database shares. A step whose dependency did not succeed is still handed to
 * `run`, with that dependency as `blockedBy`, so it can be recorded as not run. A dependency
 * outside `nodes` (not selected) counts as met. Results come back in `nodes` order.
 */
export async function scheduleSteps<R extends { status: string }>(
  nodes: readonly StepNode[],
  atOnce: number,
  run: (node: StepNode, blockedBy: string | undefined) => Promise<R>,
): Promise<R[]> {
  const ids = new Set(nodes.map((n) => n.id));
  const results = new Map<string, R>();
  const running = new Map<string, Promise<unknown>>();
  const waiting = [...nodes];
  let sharedBusy = false;
  let failure: { error: unknown } | undefined;
  const start = (node: StepNode, blockedBy: string | undefined): void => {
    const shared = node.kind !== 'ingest' && blockedBy === undefined;
    if (shared) sharedBusy = true;
    const done = run(node, blockedBy)
      .then((r) => void results.set(node.id, r))
      .catch((error: unknown) => void (failure ??= { error }))
      .finally(() => {
        running.delete(node.id);
        if (shared) sharedBusy = false;
      });
    running.set(node.id, done);
  };
  while (failure === undefined && (waiting.length > 0 || running.size > 0)) {
    // Silver and gold steps also start in the given order: a model naming a table no step writes
    // (a typo) then fails after the tables that do exist are there, as when steps ran one by one.
    let sharedWaiting = false;
    for (const node of [...waiting]) {
      const shared = node.kind !== 'ingest';
      const deps = node.dependsOn.filter((d) => ids.has(d));
      const ready = deps.every((d) => results.has(d));
      const blockedBy = ready ? deps.find((d) => results.get(d)?.status !== 'succeeded') : undefined;
      const free = running.size < atOnce && !(shared && (sharedBusy || sharedWaiting));
      if (!ready || (blockedBy === undefined && !free)) {
        sharedWaiting ||= shared;
        continue;
      }
      waiting.splice(waiting.indexOf(node), 1);
      start(node, blockedBy);
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  await Promise.all(running.values());
  if (failure) throw failure.error;
  return nodes.map((n) => results.get(n.id)).filter((r): r is R => r !== undefined);
}
