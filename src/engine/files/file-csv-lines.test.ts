import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapCsvLines } from './file-csv-lines.js';

function lineOf(segments: [number, number][], ordinal: number): number {
  const seg = segments.filter(([i]) => i <= ordinal).at(-1);
  assert.ok(seg, `no segment for row ${ordinal}`);
  return seg[1] + ordinal - seg[0];
}

test('plain file: one segment, rows follow the header', () => {
  const map = mapCsvLines({ firstDataLine: 2, goodCount: 3, multiLineGood: new Map(), rejects: [], blankLines: [], totalLines: 4 });
  assert.deepEqual(map, { segments: [[1, 2]], rejectLines: [], exact: true });
});

test('multi-line records, blank lines and rejects shift later lines', () => {
  // 1 header | 2 good | 3 blank | 4-6 good (3 lines) | 7 reject | 8,9 blank | 10 reject | 11 good
  const map = mapCsvLines({
    firstDataLine: 2,
    goodCount: 3,
    multiLineGood: new Map([[2, 3]]),
    rejects: [
      { duckLine: 5, span: 1 },
      { duckLine: 8, span: 1 },
    ],
    blankLines: [3, 8, 9],
    totalLines: 11,
  });
  assert.equal(map.exact, true);
  assert.deepEqual(map.rejectLines, [7, 10]);
  assert.deepEqual([1, 2, 3].map((k) => lineOf(map.segments, k)), [2, 4, 11]);
});

test('a blank line inside a quoted value is not a blank record', () => {
  // 1 header | 2-4 good ("x\n\ny") | 5 good
  const map = mapCsvLines({ firstDataLine: 2, goodCount: 2, multiLineGood: new Map([[1, 3]]), rejects: [], blankLines: [3], totalLines: 5 });
  assert.deepEqual([1, 2].map((k) => lineOf(map.segments, k)), [2, 5]);
});

test('pieces that do not add up fall back to DuckDB numbering and say so', () => {
  const map = mapCsvLines({ firstDataLine: 2, goodCount: 2, multiLineGood: new Map(), rejects: [{ duckLine: 9, span: 1 }], blankLines: [], totalLines: 4 });
  assert.equal(map.exact, false);
  assert.deepEqual(map.rejectLines, [9]);
});
