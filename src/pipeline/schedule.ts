import type { StepNode } from './graph.js';

export interface StepRunner<R> {
  /**
   * Runs a step; `blockedBy` names a dependency that did not succeed (the step is then only to be
   * reported as not run), `alone` says nothing else runs meanwhile (see `again`).
   */
  run(node: StepNode, blockedBy: string | undefined, alone: boolean): Promise<R>;
  /** Whether a step that ended so beside other steps should run again on its own (out of memory, say). */
  again(result: R): boolean;
  /** A step's final result, as it ends. */
  ended(node: StepNode, result: R): Promise<void>;
}

/**
 * Runs `nodes` (in dependency order) each once its dependencies have ended, up to `atOnce` at a
 * time, never two that write one table. Steps that do not depend on each other run side by side,
 * whatever their kind: each binds the tables it reads under names of its own, on a connection of
 * its own. Silver and gold steps start in the given order. A step
 * that failed beside others in a way `again` names runs once more, alone: a failed step commits
 * nothing, so this is safe, and steps that share a tight memory limit then still complete. A
 * dependency outside `nodes` (not selected) counts as met. Results come back in `nodes` order.
 */
export async function scheduleSteps<R extends { status: string }>(nodes: readonly StepNode[], atOnce: number, runner: StepRunner<R>): Promise<R[]> {
  const ids = new Set(nodes.map((n) => n.id));
  const tables = new Map(nodes.map((n) => [n.id, n.table.toLowerCase()]));
  const results = new Map<string, R>();
  const running = new Map<string, { done: Promise<unknown>; beside: boolean }>();
  const waiting = [...nodes];
  const alone = new Set<string>();
  let aloneBusy = false;
  let failure: { error: unknown } | undefined;
  const start = (node: StepNode, blockedBy: string | undefined): void => {
    const solo = alone.has(node.id) && blockedBy === undefined;
    if (solo) aloneBusy = true;
    if (blockedBy === undefined) for (const other of running.values()) other.beside = true;
    const entry = { done: Promise.resolve(), beside: blockedBy === undefined && running.size > 0 };
    entry.done = runner
      .run(node, blockedBy, alone.has(node.id))
      .then(async (r) => {
        if (entry.beside && !alone.has(node.id) && runner.again(r)) {
          alone.add(node.id);
          waiting.splice(nodes.slice(0, nodes.indexOf(node)).filter((n) => waiting.includes(n)).length, 0, node);
          return;
        }
        results.set(node.id, r);
        await runner.ended(node, r);
      })
      .catch((error: unknown) => void (failure ??= { error }))
      .finally(() => {
        running.delete(node.id);
        if (solo) aloneBusy = false;
      });
    running.set(node.id, entry);
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
      // Two steps that write one table (two sources feeding one bronze table) never run at once.
      const sameTable = [...running.keys()].some((id) => tables.get(id) === tables.get(node.id));
      const free = alone.has(node.id)
        ? running.size === 0
        : !aloneBusy && !sameTable && running.size < atOnce && !(shared && sharedWaiting);
      if (!ready || (blockedBy === undefined && !free)) {
        sharedWaiting ||= shared;
        // A step to run alone waits for the others to end, and nothing starts before it.
        if (ready && alone.has(node.id)) break;
        continue;
      }
      waiting.splice(waiting.indexOf(node), 1);
      start(node, blockedBy);
    }
    if (running.size === 0) break;
    await Promise.race([...running.values()].map((r) => r.done));
  }
  await Promise.all([...running.values()].map((r) => r.done));
  if (failure) throw failure.error;
  return nodes.map((n) => results.get(n.id)).filter((r): r is R => r !== undefined);
}
