import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LocalStore } from '../storage/index.js';
import { discover } from './discover.js';
import { tableNameOf, uniqueTableName } from './naming.js';
import { partitionColumns } from './partitions.js';

async function tree(files: Record<string, string>): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'silt-discover-'));
  for (const [rel, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fs.writeFile(path.join(root, rel), text);
  }
  return root;
}

test('discover: a dataset per folder and format; partitions and date layouts stay in their dataset', async () => {
  const root = await tree({
    'top.csv': 'a\n1\n',
    'events/2024/01/e1.jsonl': '{"a":1}\n',
    'events/2024/02/e2.json.gz': '',
    'orders/dt=2024-01-05/region=eu/o.csv': 'a\n1\n',
    'orders/dt=2024-01-06/region=us/o.csv.gz': '',
    'mixed/a.csv': 'a\n1\n',
    'mixed/b.parquet': '',
    'orders/_SUCCESS': '',
    'orders/.hidden.csv': 'a\n',
    '_tmp/x.csv': 'a\n',
    'notes.txt': 'hello',
    'iceberg/metadata/v1.metadata.json': '{}',
    'iceberg/data/f.parquet': '',
  });
  try {
    const { datasets, skipped } = await discover(new LocalStore(root), '');
    const summary = datasets
      .map((d) => `${path.relative(root, d.location) || '.'} ${d.format}${d.mixed ? ' mixed' : ''}: ${d.files.map((f) => f.path).join(', ')}`)
      .sort();
    assert.deepEqual(summary, [
      '. csv: top.csv',
      'events json: 2024/01/e1.jsonl, 2024/02/e2.json.gz',
      'mixed csv mixed: a.csv',
      'mixed parquet mixed: b.parquet',
      'orders csv: dt=2024-01-05/region=eu/o.csv, dt=2024-01-06/region=us/o.csv.gz',
    ]);
    const orders = datasets.find((d) => d.location.endsWith('orders'))!;
    assert.deepEqual(orders.folders, [path.basename(root), 'orders']);
    assert.deepEqual(orders.files[0]!.partition, [['dt', '2024-01-05'], ['region', 'eu']]);
    assert.deepEqual(datasets.find((d) => d.location.endsWith('events'))!.files[0]!.partition, []);
    assert.deepEqual(skipped.map((s) => s.path).sort(), ['iceberg', 'notes.txt']);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

test('partition columns are typed BIGINT, DATE or VARCHAR by every value seen', () => {
  const files = [
    { partition: [['year', '2024'], ['dt', '2024-01-05'], ['code', '007']] as const },
    { partition: [['year', '2023'], ['dt', '2024-02-30'], ['code', '__HIVE_DEFAULT_PARTITION__']] as const },
  ];
  assert.deepEqual(partitionColumns(files), [
    { name: 'year', type: 'BIGINT', partition: true },
    { name: 'dt', type: 'VARCHAR', partition: true },
    { name: 'code', type: 'BIGINT', partition: true },
  ]);
  assert.equal(partitionColumns([{ partition: [['dt', '2024-02-29']] }])[0]!.type, 'DATE');
});

test('table names are sanitized folder names, made unique with parent folders, then numbers', () => {
  assert.equal(tableNameOf('Web Events-2024'), 'web_events_2024');
  assert.equal(tableNameOf('2024'), '_2024');
  assert.equal(tableNameOf('orders.parquet'), 'orders');
  assert.equal(tableNameOf('***'), 'dataset');
  assert.equal(uniqueTableName(['landing', 'a', 'orders'], '', new Set()), 'orders');
  assert.equal(uniqueTableName(['landing', 'b', 'orders'], '', new Set(['orders'])), 'b_orders');
  assert.equal(uniqueTableName(['landing', 'b', 'orders'], 'csv', new Set(['orders_csv', 'b_orders_csv', 'landing_b_orders_csv'])), 'orders_csv_2');
});
