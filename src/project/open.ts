import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findProjectDir, loadProject, type ProjectConfig } from '../config/index.js';
import { Catalog, type IfLost } from '../catalog/index.js';
import { openStore, type ObjectStore } from '../storage/index.js';
import { type AccessPolicy, combinePolicies, Engine, type EngineOptions } from '../engine/index.js';
import { Governance, grantsPolicy, projectGrants } from '../governance/index.js';
import { projectEncryption } from './encryption-section.js';

/** An opened project: its config, object store and catalog. Close it when done. */
export interface Project {
  readonly config: ProjectConfig;
  readonly store: ObjectStore;
  readonly catalog: Catalog;
  /** What each principal may read and write: every user session binds its tables through it (the grants; the owner may do everything). */
  readonly accessPolicy: AccessPolicy;
  /** Row filters and masks (the access policy), the audit log and workgroups: every user session runs under it. */
  readonly governance: Governance;
  engineOptions(): EngineOptions;
  /** The project secret that salts PII hashes: SILT_PII_SECRET, else `.silt/secret` (made on first use). */
  secret(): string;
  /** Opens a DuckDB engine with the project's limits; the caller closes it. */
  openEngine(): Promise<Engine>;
  /**
   * An engine for user SQL: it may touch only the warehouse, the crawled tables' folders, the
   * spill folder and `files` (an output file), and no statement can change that.
   */
  openUserSqlEngine(files?: readonly string[]): Promise<Engine>;
  close(): Promise<void>;
}

export interface OpenOptions {
  cwd?: string;
  projectDir?: string;
  /** What a lost catalog (missing or empty while the warehouse holds tables) gets; refused by default. */
  ifLost?: IfLost;
  /** The store to use instead of the one silt.yaml names (a test's store that is not a folder). */
  store?: ObjectStore;
}

export async function openProject(opts: OpenOptions = {}): Promise<Project> {
  const dir = findProjectDir(opts.cwd ?? process.cwd(), opts.projectDir);
  const config = loadProject(dir);
  const store = opts.store ?? openStore(config.storageLocation, config.storageS3);
  const catalog = await Catalog.open(config.catalogUri, store, { ifLost: opts.ifLost });
  try {
    catalog.encryption = projectEncryption(config);
  } catch (e) {
    await catalog.close().catch(() => undefined); // the key's error is the one to report
    throw e;
  }
  const engineOptions = (): EngineOptions => ({
    memoryLimit: config.engine.memoryLimit,
    threads: config.engine.threads,
    // Spills past memory_limit go inside the project, not wherever the command was started.
    tempDirectory: path.join(config.dir, '.silt', 'tmp'),
    setup: store.engine.setup,
  });
  const governance = new Governance(catalog, () => projectSecret(config.dir));
  return {
    config,
    store,
    catalog,
    // Grants say which tables and columns; row filters and masks narrow what is seen of them.
    accessPolicy: combinePolicies(grantsPolicy(projectGrants(catalog, config)), governance.policy),
    governance,
    engineOptions,
    secret: () => projectSecret(config.dir),
    openEngine: () => Engine.open(engineOptions()),
    openUserSqlEngine: async (files = []) => {
      // A crawled table's location is where DuckDB reads its folder, in this store or not.
      const crawled = (await catalog.externalTables.list()).map((t) => t.location);
      const tmp = engineOptions().tempDirectory!;
      mkdirSync(tmp, { recursive: true });
      return Engine.open({ ...engineOptions(), onlyFolders: [store.enginePath(''), ...crawled], onlyFiles: files });
    },
    close: () => catalog.close(),
  };
}

export async function withProject<T>(opts: OpenOptions, fn: (p: Project) => Promise<T>): Promise<T> {
  const project = await openProject(opts);
  let value: T;
  try {
    value = await fn(project);
  } catch (e) {
    await project.close().catch(() => undefined); // `e` is the error to report
    throw e;
  }
  // The work is done (maybe committed): closing the catalog badly must not turn it into a failure.
  await project.close().catch((e: unknown) => project.catalog.warnings.push(`closing the catalog: ${e instanceof Error ? e.message : String(e)}`));
  return value;
}

function projectSecret(dir: string): string {
  const fromEnv = process.env['SILT_PII_SECRET'];
  if (fromEnv) return fromEnv;
  const file = path.join(dir, '.silt', 'secret');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return readFileSync(file, 'utf8').trim();
}
