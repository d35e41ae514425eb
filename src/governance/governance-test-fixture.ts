import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Catalog } from '../catalog/index.js';
import { loadProject, PROJECT_FILE, projectTemplate } from '../config/index.js';
import { Engine, type Principal, SqlSession } from '../engine/index.js';
import { openStore } from '../storage/index.js';
import { Governance } from './governance.js';
import { planPolicies, type GovernedProject } from './policy-plan.js';

/** What the tests use of an opened project (a project opens governance, so it is built here from its parts). */
export interface TestProject extends GovernedProject {
  readonly governance: Governance;
  readonly accessPolicy: Governance['policy'];
}

export const ALICE: Principal = { name: 'alice', kind: 'user', groups: ['analysts'], attributes: { region: 'eu' } };
export const BOB: Principal = { name: 'bob', kind: 'user', groups: [], attributes: {} };

/** Values only rows outside the EU or behind a mask hold: no output an analyst gets may contain them. */
export const SECRETS = ['US_SECRET_NAME', 'alice.hidden@corp.example', 'bruno.eu@corp.example', '111-22-3333', '444-55-6666', '999-88-7777'];

/** A project with `silver.customers` (2 EU rows, 1 US row) and the given `policies:` yaml, applied. */
export async function governedProject(policiesYaml: string): Promise<{ project: TestProject; engine: Engine; owner: SqlSession; firstSnapshot: string; close(): Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'silt-governance-'));
  const dir = path.join(root, 'p');
  for (const sub of ['lake/warehouse', '.silt']) await mkdir(path.join(dir, sub), { recursive: true });
  await writeFile(path.join(dir, PROJECT_FILE), `${projectTemplate('governed')}\npolicies:\n${policiesYaml}\n`);
  const config = loadProject(dir);
  const catalog = await Catalog.open(config.catalogUri, openStore(config.storageLocation));
  const secret = () => 'test-secret';
  const governance = new Governance(catalog, secret);
  const project: TestProject = { config, catalog, governance, accessPolicy: governance.policy, secret, openEngine: () => Engine.open({ setup: catalog.store.engine.setup }) };
  await project.catalog.createNamespace('silver');
  const engine = await project.openEngine();
  const owner = new SqlSession(engine, project.catalog, { policy: project.accessPolicy, governor: project.governance });
  const created = await owner.execute(
    `CREATE TABLE silver.customers AS SELECT * FROM (VALUES
      (1, 'Bruno', 'eu', 'bruno.eu@corp.example', '111-22-3333', 10),
      (2, 'Carla', 'eu', 'alice.hidden@corp.example', '444-55-6666', 20),
      (3, 'US_SECRET_NAME', 'us', 'us.person@corp.example', '999-88-7777', 5000)) t(id, name, region, email, ssn, amount)`,
  );
  await owner.execute(`CREATE TABLE silver.customers_quarantine AS SELECT * FROM (VALUES
      ('not_null', 'ssn', 'ssn ''123-45-0000'' is a duplicate', '{"id":"4","email":"dora@corp.example","ssn":"123-45-0000","name":"Dora","social_security":"123-45-0000"}')) t(rule, "column", reason, original)`);
  await planPolicies(project, { apply: true });
  return {
    project,
    engine,
    owner,
    firstSnapshot: created.snapshotId!,
    close: async () => {
      engine.close();
      await catalog.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export function sessionAs(g: { project: TestProject; engine: Engine }, principal: Principal): SqlSession {
  return new SqlSession(g.engine, g.project.catalog, { principal, policy: g.project.accessPolicy, governor: g.project.governance });
}
