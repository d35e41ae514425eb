import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../../errors.js';
import { bindParameters, parseParameters } from './sql-params.js';

const bind = (sql: string, ...pairs: string[]) => bindParameters(sql, parseParameters(pairs));

test('named, numbered and ? parameters become literals: numbers as numbers, anything else quoted text', () => {
  assert.equal(bind('SELECT * FROM s.t WHERE region = $region AND n > $min', 'region=eu', 'min=10'), "SELECT * FROM s.t WHERE region = 'eu' AND n > 10");
  assert.equal(bind('SELECT ?, ?, $2', '1=-1.5e3', '2=007'), "SELECT -1.5e3, '007', '007'");
  assert.equal(bind('SELECT $v', "v=x'); DROP TABLE s.t; --"), "SELECT 'x''); DROP TABLE s.t; --'");
});

test('parameters inside strings, quoted names and comments are left alone', () => {
  assert.equal(bind(`SELECT '$a ?', "$a" -- $a ?\n, $a`, 'a=1'), `SELECT '$a ?', "$a" -- $a ?\n, 1`);
});

test('a missing, unused, repeated or malformed parameter is refused, naming it', () => {
  const refused = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof InvalidInput && re.test(e.message));
  refused(() => bind('SELECT $region'), /parameter \$region has no value; pass --param region=VALUE/);
  refused(() => bind('SELECT ?, ?', '1=a'), /parameter \? number 2 has no value; pass --param 2=VALUE \(given: 1\)/);
  refused(() => bind('SELECT 1', 'x=1'), /--param x is not used by the statement \(it has no parameters\)/);
  refused(() => bind('SELECT $x', 'x=1', 'x=2'), /--param x is given twice/);
  refused(() => bind('SELECT $x', 'x'), /--param "x": write name=value/);
});
