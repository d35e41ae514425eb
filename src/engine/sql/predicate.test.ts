import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSchema, type Expr } from '../../table/index.js';
import { withEngine } from '../core/duckdb.js';
import { whereToExpr } from './predicate.js';
import { analyzeQuery } from '../core/query-ast.js';

const { schema } = buildSchema([
  { name: 'id', type: 'long' }, { name: 'n', type: 'int' }, { name: 'price', type: 'decimal(10, 2)' },
  { name: 'ts', type: 'timestamp' }, { name: 'd', type: 'date' }, { name: 'name', type: 'string' }, { name: 'ok', type: 'boolean' },
]);

/** The filter pushed to each table of a query, keyed by table name. */
async function filters(sql: string): Promise<Record<string, Expr>> {
  return withEngine({}, async (engine) => {
    const { scopes } = await analyzeQuery(engine, sql);
    const out: Record<string, Expr> = {};
    for (const scope of scopes.values()) {
      const ref = scope.ref;
      out[ref.qualifier] = scope.prunable && !ref.renamed
        ? whereToExpr(scope.where, (names) => {
          const col = names.length === 1 && scope.siblings.length === 1 ? names[0] : names.length === 2 && names[0] === ref.qualifier ? names[1] : undefined;
          const f = schema.fields.find((x) => x.name === col);
          return f ? { name: f.name, type: f.type } : undefined;
        })
        : { op: 'true' };
    }
    return out;
  });
}

test('comparisons, IN, BETWEEN, IS NULL and NOT translate to filters', async () => {
  const f = await filters(`SELECT * FROM ns.t WHERE id >= 10 AND 5 > n AND name IN ('a', 'b') AND ts BETWEEN TIMESTAMP '2024-01-01' AND '2024-01-02 00:00:00'
    AND NOT (d IS NULL) AND price = 1.5 AND ok AND ok = true AND lower(name) = 'x'`);
  assert.deepEqual(f['t'], { op: 'and', args: [
    { op: '>=', column: 'id', value: 10n },
    { op: '<', column: 'n', value: 5 },
    { op: 'in', column: 'name', values: ['a', 'b'] },
    { op: 'and', args: [{ op: '>=', column: 'ts', value: 1704067200000000n }, { op: '<=', column: 'ts', value: 1704153600000000n }] },
    { op: 'not-null', column: 'd' },
    { op: '=', column: 'price', value: '1.5' },
    { op: '=', column: 'ok', value: true },
  ] });
});

test('anything not exactly translatable is left out, never guessed', async () => {
  // n < 1.5 on an int column, a literal with more scale than the decimal, an OR with an unknown side, NOT over a partial AND.
  const f = await filters(`SELECT * FROM ns.t WHERE (n < 1.5 OR id = 1) AND price > 1.555 AND NOT (id = 1 AND lower(name) = 'x') AND d < TIMESTAMP '2024-01-01 10:00:00'`);
  assert.deepEqual(f['t'], { op: 'true' });
  const negated = await filters(`SELECT * FROM ns.t WHERE NOT (id = 1 OR n IN (2, 3))`);
  assert.deepEqual(negated['t'], { op: 'and', args: [{ op: '!=', column: 'id', value: 1n }, { op: 'and', args: [{ op: '!=', column: 'n', value: 2 }, { op: '!=', column: 'n', value: 3 }] }] });
});

test('joins push filters only to sides where it is safe', async () => {
  const f = await filters(`SELECT * FROM ns.a a LEFT JOIN ns.b b ON a.id = b.id JOIN ns.c c ON c.id = a.id WHERE a.id = 1 AND b.id = 2 AND c.id = 3 AND id = 4`);
  assert.deepEqual(f['a'], { op: '=', column: 'id', value: 1n });
  assert.deepEqual(f['b'], { op: 'true' });
  assert.deepEqual(f['c'], { op: '=', column: 'id', value: 3n });
  const sub = await filters(`SELECT * FROM ns.a WHERE id IN (SELECT id FROM ns.b WHERE n = 7)`);
  assert.deepEqual(sub['a'], { op: 'true' });
  assert.deepEqual(sub['b'], { op: '=', column: 'n', value: 7 });
});
