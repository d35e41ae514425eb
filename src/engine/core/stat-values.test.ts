import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deserializeValue } from '../../table/index.js';
import { lowerBound, parseStatValue, upperBound } from './stat-values.js';

test('DuckDB statistics strings parse to Iceberg values', () => {
  assert.equal(parseStatValue('int', '-5'), -5);
  assert.equal(parseStatValue('long', '9007199254740993'), 9007199254740993n);
  assert.equal(parseStatValue('boolean', '1'), true);
  assert.equal(parseStatValue('date', '2024-01-01'), 19723);
  assert.equal(parseStatValue('timestamp', '2024-01-01 10:00:00.123456'), 1704103200123456n);
  assert.equal(parseStatValue('timestamptz', '2024-01-01 10:00:00+00'), 1704103200000000n);
  assert.equal(parseStatValue('time', '10:00:09'), 36009000000n);
  assert.deepEqual(parseStatValue('decimal(20, 3)', '-3.000'), { unscaled: -3000n, scale: 3 });
  assert.deepEqual(parseStatValue('binary', '00FF39'), new Uint8Array([0, 255, 0x39]));
  assert.equal(parseStatValue('double', 'nan'), undefined);
  assert.equal(parseStatValue('double', '-inf'), -Infinity);
});

test('string bounds are truncated to 16 code points, the upper one rounded up', () => {
  const long = 'é'.repeat(20);
  const lo = new TextDecoder().decode(lowerBound('string', long));
  const hi = new TextDecoder().decode(upperBound('string', long)!);
  assert.equal(lo, 'é'.repeat(16));
  assert.equal(hi, 'é'.repeat(15) + 'ê');
  assert.ok(hi > long && lo <= long);
  // U+10FFFF cannot be incremented: the carry moves left.
  const max = 'a'.repeat(15) + '\u{10FFFF}' + 'zz';
  assert.equal(new TextDecoder().decode(upperBound('string', max)!), 'a'.repeat(14) + 'b');
  assert.equal(upperBound('string', '\u{10FFFF}'.repeat(17)), undefined);
  // A code point before the surrogate range skips it.
  const beforeSurrogates = 'a'.repeat(15) + '\uD7FF' + 'x';
  assert.equal(new TextDecoder().decode(upperBound('string', beforeSurrogates)!).codePointAt(15), 0xe000);
});

test('binary bounds are truncated to 16 bytes with carry', () => {
  const bytes = new Uint8Array(20).fill(0xff);
  bytes[3] = 7;
  assert.deepEqual(lowerBound('binary', bytes), bytes.slice(0, 16));
  assert.deepEqual(upperBound('binary', bytes), new Uint8Array([0xff, 0xff, 0xff, 8]));
  assert.deepEqual(deserializeValue('long', upperBound('long', 5n)!), 5n);
});
