import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInput } from '../errors.js';
import type { Model } from './model.js';
import { modelOrder } from './order.js';
import { selectModels } from './select.js';

const model = (name: string, ...dependsOn: string[]): Model => ({
  name,
  file: `models/${name}.sql`,
  sql: 'SELECT 1',
  config: { materialized: 'table', expectations: [] },
  dependsOn,
});

// silver.orders → stg → {daily, weekly}; daily → report; weekly → report; lone reads silver only
const models = [
  model('report', 'gold.daily', 'gold.weekly'),
  model('weekly', 'gold.stg'),
  model('daily', 'gold.stg', 'silver.orders'),
  model('stg', 'silver.orders'),
  model('lone', 'silver.customers', 'gold.not_a_model'),
];
const names = (ms: Model[]) => ms.map((m) => m.name);

describe('modelOrder', () => {
  it('puts each model after the models it reads, in layers sorted by name', () => {
    assert.deepEqual(modelOrder(models).map(names), [['lone', 'stg'], ['daily', 'weekly'], ['report']]);
  });

  it('orders a selection by itself: unselected upstream models count as existing tables', () => {
    assert.deepEqual(modelOrder(selectModels(models, ['report', 'daily'])).map(names), [['daily'], ['report']]);
  });

  it('names the cycle', () => {
    const cyclic = [model('a', 'gold.c'), model('b', 'gold.a'), model('c', 'gold.b'), model('d', 'gold.a')];
    assert.throws(() => modelOrder(cyclic), (e: unknown) => e instanceof InvalidInput && e.message === 'models: dependency cycle: a → b → c → a');
    assert.throws(() => modelOrder([model('self', 'gold.self')]), /models: dependency cycle: self → self/);
  });
});

describe('selectModels', () => {
  it('selects by name, with upstream (+name) or downstream (name+)', () => {
    assert.deepEqual(names(selectModels(models, ['daily'])), ['daily']);
    assert.deepEqual(names(selectModels(models, ['+report'])), ['report', 'weekly', 'daily', 'stg']);
    assert.deepEqual(names(selectModels(models, ['stg+'])), ['report', 'weekly', 'daily', 'stg']);
    assert.deepEqual(names(selectModels(models, ['+daily+'])), ['report', 'daily', 'stg']);
    assert.deepEqual(names(selectModels(models, ['lone', 'gold.weekly'])), ['weekly', 'lone']);
    assert.deepEqual(names(selectModels(models, ['lone,weekly'])), ['weekly', 'lone']);
    assert.deepEqual(names(selectModels(models, [])), names(models));
  });

  it('names an unknown model, with a hint', () => {
    assert.throws(() => selectModels(models, ['+dayly']), (e: unknown) => e instanceof InvalidInput && e.message === 'models: no model named dayly (did you mean daily?)');
    assert.throws(() => selectModels(models, ['a+b']), /cannot read selector "a\+b"/);
  });
});
