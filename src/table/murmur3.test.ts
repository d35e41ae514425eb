import assert from 'node:assert/strict';
import { test } from 'node:test';
import { murmur3 } from './murmur3.js';
import { applyTransform } from './transforms.js';
import { serializeValue } from './values.js';

// Spec Appendix B: 32-bit hash requirements
const vectors: [string, Uint8Array, number][] = [
  ['int 34 (hashed as long)', serializeValue('long', 34n), 2017239379],
  ['long 34', serializeValue('long', 34n), 2017239379],
  ['date 2017-11-16', serializeValue('long', 17486n), -653330422],
  ['time 22:31:08', serializeValue('long', 81068000000n), -662762989],
  ['timestamp 2017-11-16T22:31:08', serializeValue('long', 1510871468000000n), -2047944441],
  ['string iceberg', new TextEncoder().encode('iceberg'), 1210000089],
  ['uuid', serializeValue('uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7'), 1488055340],
  ['bytes 00 01 02 03', Uint8Array.of(0, 1, 2, 3), -188683207],
  ['decimal 14.20', Uint8Array.of(0x05, 0x8c), -500754589],
];

for (const [name, bytes, hash] of vectors) {
  test(`murmur3 matches the spec vector for ${name}`, () => {
    assert.equal(murmur3(bytes), hash);
  });
}

test('bucket hashes each source type the way the spec says', () => {
  const bucket = (h: number, n: number): number => (h & 0x7fffffff) % n;
  assert.equal(applyTransform('bucket[16]', 'int', 34), bucket(2017239379, 16));
  assert.equal(applyTransform('bucket[16]', 'long', 34n), bucket(2017239379, 16));
  assert.equal(applyTransform('bucket[100]', 'date', 17486), bucket(-653330422, 100));
  assert.equal(applyTransform('bucket[100]', 'time', 81068000000n), bucket(-662762989, 100));
  assert.equal(applyTransform('bucket[100]', 'timestamp', 1510871468000000n), bucket(-2047944441, 100));
  assert.equal(applyTransform('bucket[100]', 'timestamptz', 1510871468000000n), bucket(-2047944441, 100));
  assert.equal(applyTransform('bucket[100]', 'string', 'iceberg'), bucket(1210000089, 100));
  assert.equal(applyTransform('bucket[100]', 'uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7'), bucket(1488055340, 100));
  assert.equal(applyTransform('bucket[100]', 'binary', Uint8Array.of(0, 1, 2, 3)), bucket(-188683207, 100));
  assert.equal(applyTransform('bucket[100]', 'decimal(9, 2)', { unscaled: 1420n, scale: 2 }), bucket(-500754589, 100));
  assert.equal(applyTransform('bucket[100]', 'string', null), null);
});

test('bucket hashes decimals in minimal bytes (-1.28 is one byte 0x80)', () => {
  assert.equal(applyTransform('bucket[16]', 'decimal(9, 2)', { unscaled: -128n, scale: 2 }), (murmur3(Uint8Array.of(0x80)) & 0x7fffffff) % 16);
});

test('bucket refuses float columns and names the type', () => {
  assert.throws(() => applyTransform('bucket[4]', 'double', 1.5), /bucket\[4\] does not apply to type double/);
});
