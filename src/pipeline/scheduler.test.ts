/** Cron schedules: each tick asks once, with its own dedupe key; a restart neither repeats a tick nor forgets a missed one. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openProject, type Project } from '../project/index.js';
import { removeDir, rewritePipelineYaml, smallProject, tempDir } from '../testing/pipeline-project.js';
import { RecordingRequester, until } from '../testing/recording-requester.js';
import { pipelineConfig } from './config.js';
import { startScheduler } from './scheduler.js';
import { projectSchedules, scheduleLines } from './schedules-config.js';

const SOURCES = `
sources:
  orders: { path: orders/, format: csv }
`;

const onError = (e: unknown) => assert.fail(String(e));

describe('scheduler', () => {
  let root: string;
  let dir: string;
  before(async () => {
    root = await tempDir('scheduler');
    dir = await smallProject(path.join(root, 'p'), SOURCES, {});
  });
  after(async () => removeDir(root));

  /** The project with this pipeline YAML, open for `fn`. */
  async function withYaml<T>(yaml: string, fn: (p: Project) => Promise<T>): Promise<T> {
    await rewritePipelineYaml(dir, SOURCES + yaml);
    const p = await openProject({ projectDir: dir });
    try {
      return await fn(p);
    } finally {
      await p.close();
    }
  }

  test('an every-second schedule fires at each tick with schedule:<name>:<tick>, and a restart never fires a tick twice', async () => {
    const yaml = `
schedules:
  every_second: { cron: "* * * * * *", select: [orders+] }
`;
    const keys = await withYaml(yaml, async (p) => {
      const requester = new RecordingRequester();
      let scheduler = await startScheduler(p, requester, { onError });
      await until('a fire', () => requester.requests.length >= 1, 3000);
      await scheduler.stop();
      scheduler = await startScheduler(p, requester, { onError });
      const fired = requester.requests.length;
      await until('a fire after the restart', () => requester.requests.length > fired, 3000);
      await scheduler.stop();
      for (const r of requester.requests) {
        assert.equal(r.trigger, 'schedule');
        assert.deepEqual(r.select, ['orders+']);
        assert.match(r.reason ?? '', /^schedule every_second \(\* \* \* \* \* \*\) at /);
      }
      return requester.requests.map((r) => r.dedupeKey);
    });
    for (const k of keys) assert.match(k ?? '', /^schedule:every_second:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    assert.equal(new Set(keys).size, keys.length, `a tick fired twice: ${keys.join(', ')}`);
  });

  test('ticks missed while down are made up by one request, once; a restart right after a fire fires nothing', async () => {
    const yaml = `
schedules:
  hourly: { cron: "0 * * * *", task: vacuum, timezone: UTC }
`;
    await withYaml(yaml, async (p) => {
      const at = (iso: string) => () => Date.parse(iso);
      const run = async (iso: string) => {
        const requester = new RecordingRequester();
        const scheduler = await startScheduler(p, requester, { now: at(iso), onError });
        await new Promise((r) => setTimeout(r, 100));
        await scheduler.stop();
        return requester.requests;
      };
      assert.deepEqual(await run('2026-03-01T10:30:00Z'), [], 'a schedule first seen makes up nothing before it');
      const madeUp = await run('2026-03-01T13:30:00Z');
      assert.deepEqual(
        madeUp.map((r) => [r.task, r.dedupeKey]),
        [['vacuum', 'schedule:hourly:2026-03-01T13:00:00.000Z']],
        'three ticks missed (11:00, 12:00, 13:00): one request, for the latest',
      );
      assert.match(madeUp[0]!.reason ?? '', /made up after the server was down/);
      assert.deepEqual(await run('2026-03-01T13:40:00Z'), [], 'made up exactly once');
      assert.deepEqual((await run('2026-03-01T14:00:00.200Z')).map((r) => r.dedupeKey), ['schedule:hourly:2026-03-01T14:00:00.000Z']);
      assert.deepEqual(await run('2026-03-01T14:00:00.300Z'), [], 'a restart right after a fire does not fire that tick again');
    });
  });

  test('a source may carry its own schedule: it runs the source and what depends on it', async () => {
    await rewritePipelineYaml(dir, `
sources:
  orders: { path: orders/, format: csv, schedule: "0 6 * * *" }
`);
    const p = await openProject({ projectDir: dir });
    try {
      const requester = new RecordingRequester();
      const now = () => Date.parse('2026-03-02T06:00:00.100Z') + new Date('2026-03-02T06:00:00Z').getTimezoneOffset() * 60_000;
      await p.catalog.scheduleFires.know('ingest.orders', now() - 3600_000);
      const scheduler = await startScheduler(p, requester, { now, onError });
      await until('the fire', () => requester.requests.length === 1);
      await scheduler.stop();
      assert.deepEqual(requester.requests[0]!.select, ['ingest.orders+']);
      assert.match(requester.requests[0]!.dedupeKey ?? '', /^schedule:ingest\.orders:/);
      // `silt plan` shows it, a line each.
      const lines = scheduleLines(projectSchedules(p.config, pipelineConfig(p.config).sources), now());
      assert.deepEqual(lines, [`@ ingest.orders  0 6 * * *: run ingest.orders+; next ${new Date(now() + 86_400_000 - 100).toISOString().slice(0, 16).replace('T', ' ')} UTC`]);
    } finally {
      await p.close();
    }
  });

  test('an invalid cron, time zone or selection is refused, naming the schedule and the key', async () => {
    const refused = async (yaml: string, message: RegExp) => {
      await assert.rejects(
        withYaml(yaml, (p) => startScheduler(p, new RecordingRequester(), { onError }).then((s) => s.stop())),
        (e: Error) => (assert.match(e.message, message), true),
      );
    };
    await refused('schedules:\n  nightly: { cron: "61 * * * *" }\n', /^config: silt\.yaml line \d+: schedules\.nightly\.cron: expected a cron expression of 5 fields .*\(Invalid value for minute: 61\), found "61 \* \* \* \*"$/);
    await refused('schedules:\n  nightly: { cron: "0 2 * *" }\n', /schedules\.nightly\.cron: expected a cron expression .*exactly five, six, or seven space separated parts/);
    await refused('schedules:\n  nightly: { cron: "0 0 30 2 *" }\n', /schedules\.nightly\.cron: expected a cron expression .* that fires at some time \(this one never does\)/);
    await refused('schedules:\n  nightly: { cron: "0 2 * * *", timezone: Mars/Olympus }\n', /schedules\.nightly\.timezone: expected an IANA time zone such as UTC, Europe\/Oslo or America\/New_York, found "Mars\/Olympus"$/);
    await refused('schedules:\n  nightly: { select: [orders+] }\n', /schedules\.nightly\.cron: missing; expected a string$/);
    await refused('schedules:\n  nightly: { cron: "0 2 * * *", select: [ordrs+] }\n', /^config: silt\.yaml: schedules\.nightly\.select: ordrs\+: no step or table named ordrs \(did you mean orders\?\)/);
    await refused('schedules:\n  tidy: { cron: "0 2 * * *", task: vacuum, select: [bronze.ordrs] }\n', /^config: silt\.yaml: schedules\.tidy\.select: bronze\.ordrs: no table of that name for vacuum; tables: bronze\.orders$/);
    await refused('schedules:\n  tidy: { cron: "0 2 * * *", task: compact }\n', /schedules\.tidy\.task: expected one of vacuum, check, found "compact"/);
    await rewritePipelineYaml(dir, 'sources:\n  orders: { path: orders/, schedule: "every hour" }\n');
    await assert.rejects(openProject({ projectDir: dir }).then(async (p) => { try { return await startScheduler(p, new RecordingRequester()); } finally { await p.close(); } }), /sources\.orders\.schedule: expected a cron expression/);
  });
});
