import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StepNode } from './graph.js';
import { scheduleSteps } from './schedule.js';

const node = (id: string, dependsOn: string[] = []): StepNode => ({
  id,
  kind: id.split('.')[0] as StepNode['kind'],
  table: id,
  dependsOn,
});

interface Traced {
  id: string;
  status: string;
  blockedBy?: string;
  alone?: boolean;
  oom?: boolean;
}

/**
 * Runs the steps, each taking `ms[id]` (default 5 ms), and notes what ran beside what. Steps in
 * `oom` fail out of memory when they run beside another step.
 */
async function trace(nodes: StepNode[], atOnce: number, opts: { ms?: Record<string, number>; fail?: string[]; oom?: string[] } = {}) {
  const running = new Set<string>();
  const overlaps: string[][] = [];
  const started: string[] = [];
  const ended: string[] = [];
  const results = await scheduleSteps<Traced>(nodes, atOnce, {
    run: async (n, blockedBy, alone) => {
      if (blockedBy) return { id: n.id, status: 'not_run', blockedBy };
      started.push(n.id);
      running.add(n.id);
      overlaps.push([...running].sort());
      const crowded = running.size > 1;
      await new Promise((r) => setTimeout(r, opts.ms?.[n.id] ?? 5));
      running.delete(n.id);
      if (opts.oom?.includes(n.id) && (crowded || running.size > 0)) return { id: n.id, status: 'failed', oom: true };
      return { id: n.id, status: opts.fail?.includes(n.id) ? 'failed' : 'succeeded', ...(alone ? { alone } : {}) };
    },
    again: (r) => r.oom === true,
    ended: async (n) => void ended.push(n.id),
  });
  return { results, overlaps, started, ended };
}

describe('scheduleSteps', () => {
  const demo = [
    node('ingest.a'),
    node('ingest.b'),
    node('ingest.c'),
    node('silver.a', ['ingest.a']),
    node('silver.b', ['ingest.b', 'silver.a']),
    node('silver.c', ['ingest.c']),
    node('gold.g', ['silver.a', 'silver.b']),
  ];

  it('runs ingest steps side by side, never more than atOnce, and returns results in the given order', async () => {
    const { results, overlaps } = await trace(demo, 2, { ms: { 'ingest.c': 40 } });
    assert.deepEqual(results.map((r) => r.id), demo.map((n) => n.id));
    assert.ok(results.every((r) => r.status === 'succeeded'));
    assert.ok(overlaps.every((o) => o.length <= 2), JSON.stringify(overlaps));
    assert.ok(overlaps.some((o) => o.length === 2 && o.every((id) => id.startsWith('ingest.'))), 'two ingest steps ran at once');
    // silver.a needs only ingest.a, so it starts while the slow ingest.c is still running.
    assert.ok(overlaps.some((o) => o.includes('ingest.c') && o.some((id) => id.startsWith('silver.'))), JSON.stringify(overlaps));
  });

  it('runs silver and gold steps that do not depend on each other side by side, never more than atOnce', async () => {
    const wide = [node('ingest.a'), node('silver.x', ['ingest.a']), node('silver.y', ['ingest.a']), node('gold.z', ['ingest.a'])];
    const { overlaps } = await trace(wide, 2, { ms: { 'silver.x': 20, 'silver.y': 20 } });
    assert.ok(overlaps.every((o) => o.length <= 2), JSON.stringify(overlaps));
    assert.ok(overlaps.some((o) => o.includes('silver.x') && o.includes('silver.y')), JSON.stringify(overlaps));
    const chain = [node('ingest.a'), node('silver.x', ['ingest.a']), node('gold.z', ['silver.x'])];
    const { overlaps: dependent } = await trace(chain, 2);
    assert.ok(dependent.every((o) => !(o.includes('silver.x') && o.includes('gold.z'))), JSON.stringify(dependent));
  });

  it('starts silver and gold steps in the given order, even one that is ready first', async () => {
    const nodes = [node('ingest.a'), node('silver.a', ['ingest.a']), node('gold.typo')];
    const { started } = await trace(nodes, 2, { ms: { 'ingest.a': 20 } });
    assert.deepEqual(started, ['ingest.a', 'silver.a', 'gold.typo']);
  });

  it('never runs two steps that write one table at once', async () => {
    const shared = [{ ...node('ingest.east'), table: 'bronze.orders' }, { ...node('ingest.west'), table: 'bronze.orders' }, node('ingest.other')];
    const { overlaps } = await trace(shared, 3, { ms: { 'ingest.east': 20 } });
    assert.ok(overlaps.every((o) => !(o.includes('ingest.east') && o.includes('ingest.west'))), JSON.stringify(overlaps));
    assert.ok(overlaps.some((o) => o.length === 2), 'the other source still ran beside one of them');
  });

  it('starts a step only after every dependency has ended', async () => {
    const { started } = await trace(demo, 2, { ms: { 'ingest.b': 30 } });
    for (const n of demo) for (const d of n.dependsOn) assert.ok(started.indexOf(d) < started.indexOf(n.id), `${d} before ${n.id}`);
  });

  it('does not run what depends on a failed step, names the failed dependency, and runs the rest', async () => {
    const { results } = await trace(demo, 2, { fail: ['silver.a'] });
    const by = new Map(results.map((r) => [r.id, r]));
    assert.equal(by.get('silver.a')?.status, 'failed');
    assert.deepEqual(by.get('silver.b'), { id: 'silver.b', status: 'not_run', blockedBy: 'silver.a' });
    assert.ok(!by.get('silver.a')?.alone, 'a failure beside others is run again only when `again` says so');
    assert.deepEqual(by.get('gold.g'), { id: 'gold.g', status: 'not_run', blockedBy: 'silver.a' });
    assert.equal(by.get('silver.c')?.status, 'succeeded');
  });

  it('with atOnce 1 runs the steps one by one in the given order', async () => {
    const { started, overlaps } = await trace(demo, 1);
    assert.deepEqual(started, demo.map((n) => n.id));
    assert.ok(overlaps.every((o) => o.length === 1));
  });

  it('counts a dependency that was not selected as met', async () => {
    const { results } = await trace([node('silver.a', ['ingest.a'])], 2);
    assert.equal(results[0]?.status, 'succeeded');
  });

  it('runs a step again, alone, when it failed beside others in a way `again` names; only its last result ends', async () => {
    const { results, overlaps, started, ended } = await trace(demo, 2, { oom: ['ingest.b'], ms: { 'ingest.a': 20, 'ingest.b': 10 } });
    const b = results.find((r) => r.id === 'ingest.b');
    assert.deepEqual(b, { id: 'ingest.b', status: 'succeeded', alone: true });
    assert.equal(started.filter((id) => id === 'ingest.b').length, 2);
    assert.equal(ended.filter((id) => id === 'ingest.b').length, 1);
    assert.deepEqual(overlaps[started.lastIndexOf('ingest.b')], ['ingest.b'], 'nothing ran beside the second run');
    assert.ok(results.every((r) => r.status === 'succeeded'));
  });

  it('keeps a failure that happened with nothing beside it', async () => {
    const { results, started } = await trace([node('ingest.a')], 2, { oom: ['ingest.a'], fail: ['ingest.a'] });
    assert.equal(results[0]?.status, 'failed');
    assert.deepEqual(started, ['ingest.a']);
  });

  it('lets running steps end before passing on an error thrown by one', async () => {
    const ended: string[] = [];
    const run = scheduleSteps([node('ingest.a'), node('ingest.b')], 2, {
      run: async (n) => {
        if (n.id === 'ingest.a') throw new Error('boom');
        await new Promise((r) => setTimeout(r, 20));
        ended.push(n.id);
        return { status: 'succeeded' };
      },
      again: () => false,
      ended: async () => undefined,
    });
    await assert.rejects(run, /boom/);
    assert.deepEqual(ended, ['ingest.b']);
  });
});
