import { moveMetadataStore, isPostgresUri, redactUri, type MovedRows } from '../catalog/index.js';
import { setCatalogUri } from '../config/index.js';
import { CommitConflict, InvalidInput } from '../errors.js';
import { withProject } from './open.js';
import { readServerFile } from './server-file.js';

export interface MovedCatalog {
  /** The store moved from (a SQLite file path), left as it was. */
  from: string;
  /** The store moved to, its password hidden. */
  to: string;
  moved: MovedRows;
}

/**
 * Moves the project's metadata store to the PostgreSQL database `toUri` (every table, in one go;
 * an empty database only) and points silt.yaml's `catalog:` at it. Refused while `silt serve` or
 * a run is working on the project: what it committed to the old store meanwhile would be lost.
 */
export async function moveCatalog(projectDir: string, toUri: string): Promise<MovedCatalog> {
  if (!isPostgresUri(toUri)) {
    throw new InvalidInput(`migrate: --catalog takes a postgres://user@host:port/database URI, found ${JSON.stringify(redactUri(toUri))}`);
  }
  const server = readServerFile(projectDir);
  if (server) throw new CommitConflict(`migrate: silt serve is running on this project (pid ${server.pid}, ${server.url}); stop it, then migrate`);
  const from = await withProject({ projectDir }, async (p) => {
    if (p.config.catalogUri === toUri) throw new InvalidInput(`migrate: the project's catalog is ${redactUri(toUri)} already; nothing to move`);
    const running = (await p.catalog.runLog.runs(20)).find((r) => r.status === 'running');
    if (running) throw new CommitConflict(`migrate: run ${running.runId} is in progress; migrate once it has ended (\`silt runs\` shows it)`);
    return { uri: p.config.catalogUri, dir: p.config.dir };
  });
  const moved = await moveMetadataStore(from.uri, toUri, async () => setCatalogUri(from.dir, toUri));
  return { from: redactUri(from.uri), to: redactUri(toUri), moved };
}
