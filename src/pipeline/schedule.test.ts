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

/** Runs the steps, each taking `ms[id]` (default 5 ms), and notes what ran beside what. */
async function trace(nodes: StepNode[], atOnce: number, opts: { ms?: Record<string, number>; fail?: string[] } = {}) {
  const running = new Set<string>();
  const overlaps: string[][] = [];
  const started: string[] = [];
  const results = await scheduleSteps(nodes, atOnce, async (n, blockedBy) => {
    if (blockedBy) return { id: n.id, status: 'not_run', blockedBy };
    started.push(n.id);
    running.add(n.id);
    overlaps.push([...running].sort());
    await new Promise((r) => setTimeout(r, opts.ms?.[n.id] ?? 5));
    running.delete(n.id);
    return { id: n.id, status: opts.fail?.includes(n.id) ? 'failed' : 'succeeded', blockedBy };
  });
  return { results, overlaps, started };
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

  it('never runs two silver or gold steps at once', async () => {
    const wide = [node('ingest.a'), node('silver.x', ['ingest.a']), node('silver.y', ['ingest.a']), node('gold.z', ['ingest.a'])];
    const { overlaps } = await trace(wide, 4);
    assert.ok(overlaps.every((o) => o.filter((id) => !id.startsWith('ingest.')).length <= 1), JSON.stringify(overlaps));
  });

  it('starts silver and gold steps in the given order, even one that is ready first', async () => {
    const nodes = [node('ingest.a'), node('silver.a', ['ingest.a']), node('gold.typo')];
    const { started } = await trace(nodes, 2, { ms: { 'ingest.a': 20 } });
    assert.deepEqual(started, ['ingest.a', 'silver.a', 'gold.typo']);
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

  it('lets running steps end before passing on an error thrown by one', async () => {
    const ended: string[] = [];
    const run = scheduleSteps([node('ingest.a'), node('ingest.b')], 2, async (n) => {
      if (n.id === 'ingest.a') throw new Error('boom');
      await new Promise((r) => setTimeout(r, 20));
      ended.push(n.id);
      return { status: 'succeeded' };
    });
    await assert.rejects(run, /boom/);
    assert.deepEqual(ended, ['ingest.b']);
  });
});
