import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silverSectionSchema } from '../transform/index.js';
import { buildGraph } from './run.js';

test('a silver table fed by two sources through one bronze table depends on both ingest steps', () => {
  const silver = silverSectionSchema.parse({ orders: { source: 'bronze.orders', columns: { id: { type: 'long' } } } });
  const nodes = buildGraph(
    {
      sources: { east: { table: 'bronze.orders' }, west: { table: 'bronze.orders' }, customers: {} },
      silver,
      modelsDir: 'models',
    },
    [],
  );
  const byId = new Map(nodes.map((n) => [n.id, n]));
  assert.deepEqual(byId.get('silver.orders')?.dependsOn, ['ingest.east', 'ingest.west']);
  assert.deepEqual([byId.get('ingest.east')?.table, byId.get('ingest.west')?.table], ['bronze.orders', 'bronze.orders']);
});
