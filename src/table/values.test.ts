import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../errors.js';
import { coerceLiteral } from './literals.js';
import type { PrimitiveType } from './types.js';
import { deserializeValue, serializeValue } from './values.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('every primitive serializes as spec Appendix D says and reads back', () => {
  const cases: [PrimitiveType, unknown, string][] = [
    ['boolean', true, '01'],
    ['boolean', false, '00'],
    ['int', -2, 'feffffff'],
    ['date', 17486, '4e440000'],
    ['long', 5n, '0500000000000000'],
    ['long', 7505300640432048841n, 'c9ca76ed2a2f2868'],
    ['time', 81068000000n, '008307e012000000'],
    ['timestamp', 1510871468000000n, '00c3262d215e0500'],
    ['timestamptz', -1n, 'ffffffffffffffff'],
    ['float', 1.5, '0000c03f'],
    ['double', 0.9, 'cdccccccccccec3f'],
    ['string', 'héllo', '68c3a96c6c6f'],
    ['uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7', 'f79c3e09677c4bbda4793f349cb785e7'],
    ['binary', Uint8Array.of(0, 255), '00ff'],
    ['fixed[3]', Uint8Array.of(1, 2, 3), '010203'],
    ['decimal(9, 2)', { unscaled: 1420n, scale: 2 }, '058c'],
  ];
  for (const [type, value, bytes] of cases) {
    const out = serializeValue(type, value);
    assert.equal(hex(out), bytes, `${type} ${String(value)}`);
    assert.deepEqual(deserializeValue(type, out), value, `${type} round trip`);
  }
});

test('decimals use the fewest two\'s-complement bytes', () => {
  const dec = (u: bigint): string => hex(serializeValue('decimal(38, 0)', { unscaled: u, scale: 0 }));
  assert.equal(dec(-128n), '80');
  assert.equal(dec(127n), '7f');
  assert.equal(dec(128n), '0080');
  assert.equal(dec(-129n), 'ff7f');
  assert.equal(dec(-1n), 'ff');
  assert.equal(dec(0n), '00');
  assert.equal(dec(-32768n), '8000');
  assert.deepEqual(deserializeValue('decimal(38, 0)', Uint8Array.of(0x80)), { unscaled: -128n, scale: 0 });
});

test('bounds written before a type promotion are read at their old width', () => {
  assert.equal(deserializeValue('long', serializeValue('int', 7)), 7n);
  assert.equal(deserializeValue('double', serializeValue('float', 1.5)), 1.5);
});

test('values of the wrong kind are refused naming the type', () => {
  assert.throws(() => serializeValue('int', 1.5), (e) => e instanceof InvalidInput && /cannot serialize 1.5 as int/.test(e.message));
  assert.throws(() => serializeValue('decimal(9, 2)', { unscaled: 1n, scale: 3 }), /as decimal\(9, 2\)/);
  assert.throws(() => deserializeValue('long', Uint8Array.of(1, 2)), /long needs 8 bytes, got 2/);
});

test('literals coerce to the value convention of the column type', () => {
  assert.equal(coerceLiteral('int', '42'), 42);
  assert.equal(coerceLiteral('long', 42), 42n);
  assert.equal(coerceLiteral('date', '2024-01-05'), 19727);
  assert.equal(coerceLiteral('timestamp', '2024-01-05 10:00:00'), 1704448800000000n);
  assert.equal(coerceLiteral('timestamptz', '2024-01-05T11:00:00+01:00'), 1704448800000000n);
  assert.equal(coerceLiteral('timestamp', '2024-01-05'), 1704412800000000n);
  assert.equal(coerceLiteral('time', '10:00:00.5'), 36000500000n);
  assert.deepEqual(coerceLiteral('decimal(10, 2)', '-12.3'), { unscaled: -1230n, scale: 2 });
  assert.deepEqual(coerceLiteral('decimal(10, 2)', 0.1), { unscaled: 10n, scale: 2 });
  assert.equal(coerceLiteral('boolean', 'TRUE'), true);
  assert.equal(coerceLiteral('double', '2.5'), 2.5);
  assert.equal(coerceLiteral('uuid', 'F79C3E09-677C-4BBD-A479-3F349CB785E7'), 'f79c3e09-677c-4bbd-a479-3f349cb785e7');
});

test('literals that cannot be represented are refused naming value and type', () => {
  assert.throws(() => coerceLiteral('int', 2.5), (e) => e instanceof InvalidInput && /cannot use 2.5 as int/.test(e.message));
  assert.throws(() => coerceLiteral('int', 2 ** 31), /as int: out of range/);
  assert.throws(() => coerceLiteral('date', '2024-02-30'), /"2024-02-30" as date: expected YYYY-MM-DD/);
  assert.throws(() => coerceLiteral('decimal(4, 2)', '123.45'), /does not fit decimal\(4, 2\)/);
  assert.throws(() => coerceLiteral('decimal(9, 1)', '1.25'), /does not fit decimal\(9, 1\)/);
});
