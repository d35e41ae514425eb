import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanColumnNames } from './file-names.js';

test('each renamed header name says why it was renamed', () => {
  const cases: [string[], string[], string[]][] = [
    [['a', 'A'], ['a', 'A_2'], ['column 2 repeats the name "A"; named it A_2']],
    [['', 'b'], ['column_1', 'b'], ['column 1 has no name; named it column_1']],
    [['x\ty'], ['x_y'], ['column 1 name "x\\ty" holds control characters; named it x_y']],
    [
      ['_source_line', '_SOURCE_FILE'],
      ['_source_line_2', '_SOURCE_FILE_2'],
      [
        'column 1 is named "_source_line", a name Silt keeps for where each row came from; named it _source_line_2',
        'column 2 is named "_SOURCE_FILE", a name Silt keeps for where each row came from; named it _SOURCE_FILE_2',
      ],
    ],
  ];
  for (const [raw, names, changes] of cases) assert.deepEqual(cleanColumnNames(raw), { names, changes }, raw.join(','));
});
