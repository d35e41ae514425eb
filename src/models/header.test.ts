import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInput } from '../errors.js';
import { parseModelFile } from './header.js';

const FILE = 'models/daily_sales.sql';
const parse = (text: string) => parseModelFile(FILE, text);
const fails = (text: string, message: RegExp) => assert.throws(() => parse(text), (e: unknown) => e instanceof InvalidInput && message.test(e.message));

describe('model header', () => {
  it('reads config and expectations from -- silt: lines and keeps the SELECT', () => {
    const m = parse(`-- Daily revenue.
-- silt: materialized = incremental, partition_by = "day(order_date)", unique_key = order_date
-- silt: expect not_null(order_date), expect unique(order_date) policy=warn, expect range(revenue, 0, null)
SELECT 1 AS order_date;
`);
    assert.equal(m.sql, '-- Daily revenue.\nSELECT 1 AS order_date');
    assert.deepEqual(m.config, {
      materialized: 'incremental',
      partitionBy: 'day(order_date)',
      uniqueKey: ['order_date'],
      expectations: [
        { rule: 'not_null', column: 'order_date', policy: 'fail', label: 'not_null(order_date)' },
        { rule: 'unique', column: 'order_date', policy: 'warn', label: 'unique(order_date)' },
        { rule: 'range', column: 'revenue', min: 0, max: null, policy: 'fail', label: 'range(revenue, 0, null)' },
      ],
    });
  });

  it('reads where the model runs and the dialect its SQL is written in; other values are refused naming the line', () => {
    const m = parse('-- silt: engine = trino, dialect = trino\nSELECT 1 AS x');
    assert.equal(m.config.engine, 'trino');
    assert.equal(m.config.dialect, 'trino');
    fails('-- silt: engine = spark\nSELECT 1', /^models: models\/daily_sales\.sql line 1: engine = spark: use duckdb or trino$/);
    fails('-- silt: dialect = athena\nSELECT 1', /^models: models\/daily_sales\.sql line 1: dialect = athena: use duckdb or trino$/);
  });

  it('defaults to a full-rebuild table with no expectations', () => {
    assert.deepEqual(parse('SELECT 1 AS x').config, { materialized: 'table', expectations: [] });
  });

  it('reads every rule kind, quoted values and column lists', () => {
    const m = parse(`-- silt: materialized = incremental, incremental_by = (day, region), unique_key = "day, region, sku"
-- silt: expect allowed_values(status, placed, 'on hold', 3), expect regex(email, '^[^@]+@[^@]+$') policy = warn
-- silt: expect sql('amount >= 0 OR status = ''refund'''), expect range(day, '2020-01-01', null)
SELECT 1`);
    assert.deepEqual(m.config.incrementalBy, ['day', 'region']);
    assert.deepEqual(m.config.uniqueKey, ['day', 'region', 'sku']);
    const [allowed, regex, sql, range] = m.config.expectations;
    assert.deepEqual(allowed, { rule: 'allowed_values', column: 'status', values: ['placed', 'on hold', 3], policy: 'fail', label: "allowed_values(status, placed, 'on hold', 3)" });
    assert.equal(regex?.rule === 'regex' && regex.pattern, '^[^@]+@[^@]+$');
    assert.equal(regex?.policy, 'warn');
    assert.equal(sql?.rule === 'sql' && sql.predicate, "amount >= 0 OR status = 'refund'");
    assert.deepEqual(range?.rule === 'range' && [range.min, range.max], ['2020-01-01', null]);
  });

  it('names the file and line of a bad header, with did-you-mean for unknown keys and rules', () => {
    fails('-- silt: materialised = table\nSELECT 1', /^models: models\/daily_sales\.sql line 1: unknown key materialised \(did you mean materialized\?\)/);
    fails('-- x\n-- silt: expect not_nul(a)\nSELECT 1', /^models: models\/daily_sales\.sql line 2: unknown expectation rule not_nul \(did you mean not_null\?\)/);
    fails('-- silt: materialized = view\nSELECT 1', /line 1: materialized = view: use table or incremental/);
    fails('-- silt: expect not_null(a) policy=drop\nSELECT 1', /policy=drop is for silver contracts; gold has no quarantine/);
    fails('-- silt: expect not_null(a) policy=never\nSELECT 1', /unknown policy "never"/);
    fails('-- silt: expect range(a, null, null)\nSELECT 1', /expect range\(a, null, null\): give a min or a max/);
    fails('-- silt: expect unique(a, b)\nSELECT 1', /expect unique\(a, b\): takes one column, got 2 arguments; write unique\(column\)/);
    fails('-- silt: expect sql(\'a; DROP TABLE x\')\nSELECT 1', /without ;/);
    fails('-- silt: unique_key = (a\nSELECT 1', /line 1: unbalanced quotes or parentheses/);
    fails('-- silt: partition_by\nSELECT 1', /cannot read "partition_by": write key = value or expect rule\(args\)/);
    fails('-- silt: materialized = table, materialized = incremental\nSELECT 1', /line 1: materialized is set twice/);
  });

  it('checks that the settings fit together', () => {
    fails('-- silt: materialized = incremental\nSELECT 1', /^models: models\/daily_sales\.sql: materialized = incremental needs incremental_by or unique_key/);
    fails('-- silt: incremental_by = d\nSELECT 1', /line 1: incremental_by needs materialized = incremental/);
  });

  it('refuses header lines after the SQL and files without SQL', () => {
    fails('SELECT 1\n-- silt: materialized = table', /line 2: -- silt: lines belong at the top of the file/);
    fails('-- silt: materialized = table\n\n;', /^models: models\/daily_sales\.sql: the file has no SELECT$/);
    fails('-- only a comment\n\n-- and another\n', /^models: models\/daily_sales\.sql: the file has no SELECT$/);
    fails('', /^models: models\/daily_sales\.sql: the file has no SELECT$/);
    fails('\u0000\u0001PAR1\ufffd', /^models: models\/daily_sales\.sql: the file is not UTF-8 text \(it holds binary bytes\); save the model as a UTF-8 \.sql file$/);
  });
});
