import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadProject, PROJECT_FILE } from '../config/index.js';
import { InvalidInput } from '../errors.js';
import { REPO_ROOT } from '../testing/index.js';
import { removeDir, tempDir } from '../testing/pipeline-project.js';
import { alertsConfig } from './index.js';

let dir: string;
before(async () => (dir = await tempDir('alerts-config')));
after(async () => removeDir(dir));

async function configWith(alerts: string) {
  await fs.writeFile(path.join(dir, PROJECT_FILE), `name: shop\nalerts:\n${alerts}`);
  return alertsConfig(loadProject(dir));
}

test('a valid alerts section: durations in ms, defaults filled in', async () => {
  const c = await configWith(
    '  channels:\n    hook: { type: webhook, url: "http://127.0.0.1:9/x" }\n' +
      '  rules:\n    fresh: { kind: stale, table: silver.orders, after: 2h }\n    volume: { kind: row_count, table: bronze.orders }\n',
  );
  assert.equal(c?.rules['fresh']?.kind === 'stale' && c.rules['fresh'].after, 7_200_000);
  assert.deepEqual(c?.rules['volume'], { kind: 'row_count', table: 'bronze.orders', factor: 3, history: 10 });
  assert.deepEqual([c?.check_every, c?.retry.attempts, c?.retry.backoff], [60_000, 4, 1000]);
});

test('a bad duration names the rule, the key and its line', async () => {
  await assert.rejects(
    configWith('  channels:\n    hook: { type: webhook, url: "http://127.0.0.1:9/x" }\n  rules:\n    fresh:\n      kind: stale\n      table: silver.orders\n      after: soon\n'),
    (e: Error) => e instanceof InvalidInput && /^config: silt\.yaml line 9: alerts\.rules\.fresh\.after: expected a duration such as 500ms, 30s, 5m, 2h or 1d, found "soon"$/.test(e.message) || assert.fail(e.message),
  );
});

test('a rule naming a channel not declared says which ones are', async () => {
  await assert.rejects(
    configWith('  channels:\n    hook: { type: webhook, url: "http://127.0.0.1:9/x" }\n  rules:\n    failed: { kind: run_failed, channels: [pager] }\n'),
    (e: Error) => /alerts\.rules\.failed\.channels\.0: expected a channel declared under alerts\.channels \(hook\), found "pager"$/.test(e.message) || assert.fail(e.message),
  );
});

test('a password in the file is refused: credentials come from environment variables', async () => {
  await assert.rejects(
    configWith('  channels:\n    mail: { type: email, host: smtp.example.test, from: a@example.test, to: b@example.test, password: hunter2 }\n'),
    (e: Error) => /alerts\.channels\.mail\.password: unknown key; expected one of: .*password_env/.test(e.message) || assert.fail(e.message),
  );
});

test('an unknown rule kind lists the kinds', async () => {
  await assert.rejects(
    configWith('  channels:\n    hook: { type: webhook, url: "http://127.0.0.1:9/x" }\n  rules:\n    odd: { kind: run_slow }\n'),
    (e: Error) => /alerts\.rules\.odd\.kind: expected one of run_failed, expectations, stale, row_count, found "run_slow"$/.test(e.message) || assert.fail(e.message),
  );
});

test("the README's alerts example is a valid section", async () => {
  const readme = await fs.readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const block = /```yaml\nalerts:\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, 'the README shows an alerts: block');
  const c = await configWith(block[1]!);
  assert.deepEqual(Object.keys(c?.rules ?? {}), ['failed', 'amounts', 'orders_fresh', 'volume']);
  assert.deepEqual(Object.keys(c?.channels ?? {}), ['ops', 'team', 'oncall']);
});
