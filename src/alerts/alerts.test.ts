import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runPipeline } from '../pipeline/index.js';
import { addLanding } from '../testing/pipeline-project.js';
import { call, siltOk, withApi } from '../testing/index.js';
import { ordersYaml } from '../testing/orders-yaml.js';
import { evaluateAlerts, startAlertChecks, type AlertOutcome } from './index.js';
import { closedPort, startHttpReceiver, startMailReceiver, type HttpReceiver, type MailReceiver } from './test-receivers.js';

const LOGIN = { user: 'silt-alerts', pass: 's3cret-from-env' };
process.env['TEST_SMTP_USER'] = LOGIN.user;
process.env['TEST_SMTP_PASSWORD'] = LOGIN.pass;

let http: HttpReceiver;
let mail: MailReceiver;
before(async () => {
  http = await startHttpReceiver();
  mail = await startMailReceiver(LOGIN);
});
after(async () => {
  await http.close();
  await mail.close();
});

function alertsYaml(rules: string, channels = allChannels()): string {
  return `alerts:\n  retry: { attempts: 3, backoff: 10ms }\n  channels:\n${channels}  rules:\n${rules}`;
}

function allChannels(): string {
  return (
    `    hook: { type: webhook, url: "${http.url}/hook" }\n` +
    `    chat: { type: slack, url: "${http.url}/slack" }\n` +
    `    mail: { type: email, host: 127.0.0.1, port: ${mail.port}, from: silt@example.test, to: [oncall@example.test], user_env: TEST_SMTP_USER, password_env: TEST_SMTP_PASSWORD }\n`
  );
}

/** What each receiver got since `mark`. */
function since(mark: { http: number; mail: number }) {
  const got = http.received.slice(mark.http);
  return { hook: got.filter((r) => r.path === '/hook'), slack: got.filter((r) => r.path === '/slack'), mail: mail.messages.slice(mark.mail) };
}
const markNow = () => ({ http: http.received.length, mail: mail.messages.length });

describe('alerts delivered to real receivers', () => {
  test('a failing run alerts once per channel, a second failure while firing sends nothing, a success sends one resolution', async () => {
    const yaml = ordersYaml() + alertsYaml('    failed_runs: { kind: run_failed }\n');
    const models = { 'bad.sql': 'SELECT nosuch FROM silver.orders' };
    await withApi({ yaml, landing: { 'orders/a.csv': 'id,amount\n1,10\n' }, models }, async (app, project, dir) => {
      let mark = markNow();
      const first = await runPipeline(project);
      assert.equal(first.status, 'failed');
      const fired = await evaluateAlerts(project, { run: first });
      assert.equal(fired.fired.length, 1);
      assert.deepEqual(fired.deliveries.map((d) => [d.channel, d.status, d.attempts]).sort(), [['chat', 'delivered', 1], ['hook', 'delivered', 1], ['mail', 'delivered', 1]]);
      let got = since(mark);
      assert.equal(got.hook.length, 1);
      assert.equal(got.hook[0]!.body.status, 'firing');
      assert.equal(got.hook[0]!.body.project, 'pipeline_test');
      assert.equal(got.hook[0]!.body.alert.rule, 'failed_runs');
      assert.match(got.hook[0]!.body.alert.message, new RegExp(`^run ${first.runId} failed: gold\\.bad: models/bad\\.sql: .*nosuch`));
      assert.equal(got.slack.length, 1);
      assert.deepEqual(Object.keys(got.slack[0]!.body), ['text']);
      assert.match(got.slack[0]!.body.text, /^\[silt pipeline_test\] FIRING: failed_runs \(pipeline\)\nrun \S+ failed: gold\.bad/);
      assert.equal(got.mail.length, 1);
      assert.deepEqual(got.mail[0]!.to, ['oncall@example.test']);
      assert.equal(got.mail[0]!.user, LOGIN.user, 'the login came from the environment variables the config names');
      assert.match(got.mail[0]!.raw, /Subject: \[silt pipeline_test\] FIRING: failed_runs \(pipeline\)/);

      const listed = await call(app, 'GET', '/v1/alerts');
      assert.equal(listed.status, 200);
      assert.deepEqual(listed.body.alerts.map((a: any) => [a.rule, a.subject, a.status, a.deliveries.length]), [['failed_runs', 'pipeline', 'firing', 3]]);

      mark = markNow();
      const second = await runPipeline(project);
      assert.equal(second.status, 'failed');
      const again = await evaluateAlerts(project, { run: second });
      assert.deepEqual([again.fired.length, again.resolved.length, again.deliveries.length], [0, 0, 0]);
      got = since(mark);
      assert.deepEqual([got.hook.length, got.slack.length, got.mail.length], [0, 0, 0], 'nothing is sent again while it fires');

      await fs.writeFile(path.join(dir, 'models', 'bad.sql'), 'SELECT id FROM silver.orders');
      mark = markNow();
      const fixed = await runPipeline(project);
      assert.equal(fixed.status, 'succeeded', JSON.stringify(fixed.steps));
      const cleared = await evaluateAlerts(project, { run: fixed });
      assert.equal(cleared.resolved.length, 1);
      got = since(mark);
      assert.equal(got.hook.length, 1);
      assert.equal(got.hook[0]!.body.status, 'resolved');
      assert.equal(got.hook[0]!.body.alert.resolution, `run ${fixed.runId} succeeded`);
      assert.equal(got.slack.length, 1);
      assert.match(got.slack[0]!.body.text, /RESOLVED: failed_runs/);
      assert.equal(got.mail.length, 1);
      assert.match(got.mail[0]!.raw, /Subject: \[silt pipeline_test\] RESOLVED: failed_runs/);
      assert.equal((await evaluateAlerts(project, { run: fixed })).deliveries.length, 0, 'a resolution is sent once');

      assert.deepEqual((await call(app, 'GET', '/v1/alerts')).body.alerts, []);
      const history = await call(app, 'GET', '/v1/alerts/history?limit=10');
      assert.equal(history.body.total, 1);
      assert.equal(history.body.alerts[0].status, 'resolved');
      assert.deepEqual(history.body.alerts[0].deliveries.map((d: any) => `${d.event}:${d.channel}:${d.status}`).sort(), [
        'fired:chat:delivered', 'fired:hook:delivered', 'fired:mail:delivered', 'resolved:chat:delivered', 'resolved:hook:delivered', 'resolved:mail:delivered',
      ]);
    });
  });

  test('an expectation failing on more rows than the threshold alerts once, and its recovery resolves it', async () => {
    const expectations = '    expectations:\n      - { rule: range, column: amount, min: 0, max: 25, policy: warn }\n';
    const yaml = ordersYaml(expectations) + alertsYaml('    amounts: { kind: expectations, table: silver.orders, above: 0.3, channels: [hook] }\n');
    // 2 of 5 amounts (40%) are out of range.
    await withApi({ yaml, landing: { 'orders/a.csv': 'id,amount\n1,10\n2,20\n3,30\n4,40\n5,5\n' } }, async (_app, project, dir) => {
      let mark = markNow();
      const breach = await evaluateAlerts(project, { run: await runPipeline(project) });
      assert.equal(breach.fired.length, 1);
      let got = since(mark);
      assert.deepEqual([got.hook.length, got.slack.length, got.mail.length], [1, 0, 0], 'only the channel the rule names');
      assert.match(got.hook[0]!.body.alert.message, /^silver\.orders: range on amount failed on 2 of 5 rows \(40%\) in run \S+; the threshold is 30%$/);
      assert.equal(got.hook[0]!.body.alert.subject, 'silver.orders: range on amount');

      // 1 of 4 (25%): under the threshold.
      await addLanding(dir, { 'orders/b.csv': 'id,amount\n6,1\n7,2\n8,3\n9,99\n' });
      mark = markNow();
      const recovered = await evaluateAlerts(project, { run: await runPipeline(project) });
      assert.deepEqual([recovered.fired.length, recovered.resolved.length], [0, 1]);
      got = since(mark);
      assert.equal(got.hook.length, 1);
      assert.equal(got.hook[0]!.body.status, 'resolved');
      assert.match(got.hook[0]!.body.alert.resolution, /failed on 1 of 4 rows \(25%\)/);
    });
  });

  test('a table with no commit for longer than its SLA fires, once, and clears when fresh', async () => {
    const yaml = ordersYaml() + alertsYaml('    orders_fresh: { kind: stale, table: silver.orders, after: 1h, channels: [chat] }\n');
    await withApi({ yaml, landing: { 'orders/a.csv': 'id,amount\n1,10\n' } }, async (_app, project, dir) => {
      await runPipeline(project);
      const now = Date.now();
      assert.equal((await evaluateAlerts(project, { now })).fired.length, 0, 'just committed');
      const mark = markNow();
      const late = await evaluateAlerts(project, { now: now + 2 * 3_600_000 });
      assert.equal(late.fired.length, 1);
      assert.match(late.fired[0]!.message, /^silver\.orders was last committed 2h ago \(\S+\); its freshness SLA is 1h$/);
      assert.equal((await evaluateAlerts(project, { now: now + 3 * 3_600_000 })).fired.length, 0, 'still stale: no second alert');
      // `silt alerts check` (the bundled CLI) judges it now: fresh again.
      const checked = await siltOk(dir, 'alerts', 'check');
      assert.match(checked, /^resolved: orders_fresh \(silver\.orders\): silver\.orders was last committed \d+(\.\d+)?(ms|s) ago/m);
      assert.match(await siltOk(dir, 'alerts'), /^firing: 0\nrecent: 1\nrule +subject +status .*\n.*\norders_fresh +silver\.orders +resolved +\S+ +\S+ +2\/2 /m);
      const got = since(mark);
      assert.deepEqual(got.slack.map((s) => s.body.text.split('\n')[0]), ['[silt pipeline_test] FIRING: orders_fresh (silver.orders)', '[silt pipeline_test] RESOLVED: orders_fresh (silver.orders)']);
    });
  });

  test('the server-side checks judge staleness on their own timer, firing once however often they run', async () => {
    const yaml = ordersYaml() + alertsYaml('    orders_fresh: { kind: stale, table: silver.orders, after: 1ms, channels: [hook] }\n').replace('  retry:', '  check_every: 20ms\n  retry:');
    await withApi({ yaml, landing: { 'orders/a.csv': 'id,amount\n1,10\n' } }, async (_app, project) => {
      await runPipeline(project);
      const mark = markNow();
      const outcomes: AlertOutcome[] = [];
      const checks = startAlertChecks(project, { onChecked: (o) => outcomes.push(o), onError: (e) => assert.fail(String(e)) });
      const deadline = Date.now() + 10_000;
      while (outcomes.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await checks.stop();
      assert.ok(outcomes.length >= 3, `checked ${outcomes.length} times`);
      assert.equal(outcomes.reduce((n, o) => n + o.fired.length, 0), 1, 'fired by the first check only');
      assert.equal(since(mark).hook.length, 1);
      assert.match(since(mark).hook[0]!.body.alert.message, /^silver\.orders was last committed .* ago .*; its freshness SLA is 1ms$/);
    });
  });

  test("a commit's row count far off the median of the commits before it fires, and one in line resolves it", async () => {
    const yaml = ordersYaml() + alertsYaml('    volume: { kind: row_count, table: bronze.orders, factor: 3, history: 5, channels: [hook] }\n');
    const rows = (from: number, n: number) => `id,amount\n${Array.from({ length: n }, (_, i) => `${from + i},1`).join('\n')}\n`;
    await withApi({ yaml, landing: {} }, async (_app, project, dir) => {
      const ingest = async (file: string, from: number, n: number) => {
        await addLanding(dir, { [`orders/${file}`]: rows(from, n) });
        return evaluateAlerts(project, { run: await runPipeline(project, { select: ['ingest.orders'] }) });
      };
      for (const [i, n] of [10, 12, 9].entries()) assert.equal((await ingest(`f${i}.csv`, i * 100, n)).fired.length, 0);
      const spike = await ingest('spike.csv', 1000, 40);
      assert.equal(spike.fired.length, 1);
      assert.match(spike.fired[0]!.message, /^bronze\.orders: commit \d+ added 40 rows; the median of the 3 commits before it is 10, and more than 3× off it$/);
      const back = await ingest('normal.csv', 2000, 11);
      assert.deepEqual([back.fired.length, back.resolved.length], [0, 1]);
    });
  });

  test('a receiver that is down is retried, the failure recorded with its error, and nothing is thrown', async () => {
    const port = await closedPort();
    const channels = `    gone: { type: webhook, url: "http://127.0.0.1:${port}/hook" }\n    flaky: { type: webhook, url: "${http.url}/hook" }\n`;
    const yaml = ordersYaml() + alertsYaml('    failed_runs: { kind: run_failed }\n', channels);
    await withApi({ yaml, landing: { 'orders/a.csv': 'id,amount\n1,10\n' }, models: { 'bad.sql': 'SELECT nosuch FROM silver.orders' } }, async (app, project, dir) => {
      const run = await runPipeline(project);
      http.failNext(1);
      const mark = markNow();
      const outcome = await evaluateAlerts(project, { run });
      const byChannel = new Map(outcome.deliveries.map((d) => [d.channel, d]));
      assert.equal(byChannel.get('gone')!.status, 'failed');
      assert.equal(byChannel.get('gone')!.attempts, 3);
      assert.match(byChannel.get('gone')!.lastError ?? '', /ECONNREFUSED/);
      assert.deepEqual([byChannel.get('flaky')!.status, byChannel.get('flaky')!.attempts], ['delivered', 2], 'a 500 is retried');
      assert.equal(since(mark).hook.length, 1);
      const listed = await call(app, 'GET', '/v1/alerts');
      const gone = listed.body.alerts[0].deliveries.find((d: any) => d.channel === 'gone');
      assert.deepEqual([gone.status, gone.attempts], ['failed', 3]);
      assert.match(gone.last_error, /ECONNREFUSED/);
      assert.match(await siltOk(dir, 'alerts'), /^firing: 1\n.*\n.*\nfailed_runs +pipeline +firing +\S+ +1\/2 \(failed: gone\) +run \S+ failed: gold\.bad/m);
      const recorded = await project.catalog.runLog.run(run.runId);
      assert.equal(recorded?.run.status, 'failed', 'the run is recorded as it ended, alerts or not');
    });
  });
});
