import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { openProject } from '../project/index.js';
import { REPO_ROOT, requirePyIceberg } from '../testing/index.js';
import { ordersYaml } from '../testing/orders-yaml.js';
import { removeDir, smallProject, tempDir } from '../testing/pipeline-project.js';
import { runWithLineage } from './openlineage-emit.js';
import { stepRunUuid } from './openlineage-events.js';

type Event = {
  eventType: string;
  run: { runId: string; facets: Record<string, { message?: string }> };
  job: { namespace: string; name: string };
  inputs: { namespace: string; name: string; facets: Record<string, unknown> }[];
  outputs: { namespace: string; name: string; facets: { schema?: { fields: { name: string }[] }; columnLineage?: { fields: Record<string, { inputFields: { name: string; field: string; transformations: { type: string; subtype: string; masking: boolean }[] }[] }> } } }[];
};

const CSV = 'id,amount\n1,12.5\n2,7\n';
const MODELS = { 'big.sql': 'SELECT id, amount * 2 AS doubled FROM silver.orders WHERE amount > 10\n', 'broken.sql': 'SELECT no_such_column FROM silver.orders\n' };

let root: string;
before(async () => {
  root = await tempDir('openlineage');
});
after(() => removeDir(root));

/** A project sending its events to `target` (the YAML under `openlineage:`), run once; the run's warnings. */
async function runProject(name: string, target: string): Promise<{ dir: string; warnings: string[]; runId: string }> {
  const yaml = `${ordersYaml()}gold:\n  models: models\nlineage:\n  openlineage: ${target}\n`;
  const dir = await smallProject(path.join(root, name), yaml, { 'orders/a.csv': CSV }, MODELS);
  const project = await openProject({ projectDir: dir });
  const warnings: string[] = [];
  try {
    const result = await runWithLineage(project, { onWarning: (w) => warnings.push(w) });
    return { dir, warnings, runId: result.runId };
  } finally {
    await project.close();
  }
}

async function validate(file: string): Promise<number> {
  const { stdout } = await promisify(execFile)(requirePyIceberg(), [path.join(REPO_ROOT, 'interop', 'openlineage_validate.py'), file]).catch((e: { stderr?: string; message: string }) => {
    throw new Error(e.stderr || e.message);
  });
  return (JSON.parse(stdout) as { events: number }).events;
}

const readEvents = async (file: string): Promise<Event[]> => (await fs.readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Event);

describe('OpenLineage run events', () => {
  it('go to a file as NDJSON: START and COMPLETE (or FAIL) per step, with datasets, schemas and column lineage, valid against the OpenLineage schema', async () => {
    const { dir, runId, warnings } = await runProject('file', '{ file: lineage/events.ndjson }');
    assert.deepEqual(warnings, []);
    const file = path.join(dir, 'lineage', 'events.ndjson');
    const events = await readEvents(file);
    const seen = events.map((e) => `${e.job.name} ${e.eventType}`);
    for (const step of ['ingest.orders', 'silver.orders', 'gold.big']) {
      assert.ok(seen.indexOf(`${step} START`) >= 0 && seen.indexOf(`${step} START`) < seen.indexOf(`${step} COMPLETE`), seen.join(', '));
    }
    assert.ok(seen.includes('gold.broken START') && seen.includes('gold.broken FAIL'), seen.join(', '));
    const fail = events.find((e) => e.eventType === 'FAIL')!;
    assert.match(fail.run.facets['errorMessage']!.message!, /no_such_column/);
    assert.ok(events.every((e) => e.job.namespace === 'pipeline_test'));
    assert.ok(events.every((e) => e.run.runId === stepRunUuid(runId, e.job.name)));
    assert.match(events[0]!.run.runId, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const silver = events.find((e) => e.job.name === 'silver.orders' && e.eventType === 'COMPLETE')!;
    assert.deepEqual(silver.inputs.map((i) => i.name), ['bronze.orders']);
    assert.deepEqual(silver.outputs.map((o) => o.name), ['silver.orders', 'silver.orders_quarantine']);
    assert.match(silver.outputs[0]!.namespace, /^file:\/\/.*\/lake\/warehouse$/);
    const amount = silver.outputs[0]!.facets.columnLineage!.fields['amount']!.inputFields;
    assert.deepEqual(amount.map((f) => [f.name, f.field, f.transformations[0]!.type, f.transformations[0]!.subtype]), [['bronze.orders', 'amount', 'DIRECT', 'TRANSFORMATION']]);
    const gold = events.find((e) => e.job.name === 'gold.big' && e.eventType === 'COMPLETE')!;
    assert.deepEqual(gold.outputs[0]!.facets.schema!.fields.map((f) => f.name), ['id', 'doubled']);
    assert.deepEqual(gold.outputs[0]!.facets.columnLineage!.fields['doubled']!.inputFields.map((f) => `${f.name}.${f.field}`), ['silver.orders.amount']);
    const ingest = events.find((e) => e.job.name === 'ingest.orders')!;
    assert.deepEqual(ingest.inputs.map((i) => i.name), ['landing/orders/']);

    assert.equal(await validate(file), events.length);
    // The check bites: an event without its time, or a facet without its producer, is refused.
    const broken = structuredClone(silver) as unknown as Record<string, unknown>;
    delete broken['eventTime'];
    await fs.writeFile(file, JSON.stringify(broken) + '\n');
    await assert.rejects(validate(file), /event 1 \(COMPLETE silver\.orders\) is not valid OpenLineage: .*'eventTime' is a required property/);
    const noProducer = structuredClone(silver) as unknown as { outputs: { facets: { schema: Record<string, unknown> } }[] };
    delete noProducer.outputs[0]!.facets.schema['_producer'];
    await fs.writeFile(file, JSON.stringify(noProducer) + '\n');
    await assert.rejects(validate(file), /'_producer' is a required property/);
  });

  it('go to an HTTP endpoint as POSTed JSON; an endpoint that fails or is down is a warning, never a failed run', async () => {
    const bodies: string[] = [];
    let status = 200;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.method === 'POST' && req.headers['content-type'] === 'application/json') bodies.push(body);
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/lineage`;
    try {
      const ok = await runProject('http', `{ url: '${url}' }`);
      assert.deepEqual(ok.warnings, []);
      const events = bodies.map((b) => JSON.parse(b) as Event);
      assert.deepEqual(events.filter((e) => e.job.name === 'silver.orders').map((e) => e.eventType), ['START', 'COMPLETE']);
      const file = path.join(root, 'posted.ndjson');
      await fs.writeFile(file, bodies.join('\n') + '\n');
      assert.equal(await validate(file), bodies.length);

      status = 503;
      const refused = await runProject('http-503', `{ url: '${url}' }`);
      assert.match(refused.warnings[0]!, /^openlineage: the START event of ingest\.orders was not sent: http:\/\/127\.0\.0\.1:\d+\/api\/v1\/lineage answered 503/);
      assert.deepEqual(refused.warnings.slice(1), ["openlineage: the run's 7 later events were not sent either"]);
    } finally {
      await new Promise((r) => server.close(r));
    }
    const down = await runProject('http-down', `{ url: '${url}' }`);
    assert.match(down.warnings[0]!, /^openlineage: the START event of ingest\.orders was not sent: POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/lineage: .*ECONNREFUSED/);
    assert.equal(down.warnings.length, 2);
  });

  it('a malformed lineage section is an input error naming the key', async () => {
    for (const [target, message] of [
      ["{ url: 'ftp://host/x' }", /lineage\.openlineage\.url.*http:\/\/ or https:\/\/ URL/],
      ['{ url: "http://h/x", file: e.ndjson }', /lineage\.openlineage.*one of url or file/],
      ['{ kafka: x }', /lineage\.openlineage.*kafka/],
    ] as const) {
      await assert.rejects(runProject(`bad-${Math.random().toString(36).slice(2)}`, target), message);
    }
  });
});
