import os from 'node:os';
import type { Command } from 'commander';
import { CATALOG_NAME } from '../../catalog/index.js';
import { InvalidInput } from '../../errors.js';
import type { Project } from '../../project/index.js';
import { readServerFile, serveSettings } from '../../server/index.js';
import { CATALOG_KINDS, clientConfig, ENGINES, supportsSqlCatalog, parseCredential, type CatalogKind, type CatalogPlaces, type ClientConfig, type Engine } from '../client-config.js';
import { action, inProject, out } from '../context.js';

const FORMATS = ['text', 'json'] as const;

export function register(program: Command): void {
  program
    .command('connect')
    .description("print how another engine opens this catalog: through silt serve's Iceberg REST catalog (the running server's, else silt.yaml serve: host and port), or the SQL catalog file")
    .argument('<engine>', ENGINES.join(', '))
    .option('--catalog <kind>', 'rest, or sql (the catalog file: pyiceberg and spark); default both where the engine takes both')
    .option('--credential <principal:token>', 'the OAuth2 client credentials the REST configurations carry (a principal and one of its tokens); placeholders when not given')
    .option('--format <format>', "text (the client's own file or snippet), or json (the settings as data)", 'text')
    .action(
      action(async function (this: Command, engine: string, opts: { catalog?: string; format: string; credential?: string }) {
        if (!(ENGINES as readonly string[]).includes(engine)) throw new InvalidInput(`connect: unknown engine ${JSON.stringify(engine)}; supported: ${ENGINES.join(', ')}`);
        if (!(FORMATS as readonly string[]).includes(opts.format)) throw new InvalidInput(`connect: unknown --format ${JSON.stringify(opts.format)}; expected one of ${FORMATS.join(', ')}`);
        if (opts.catalog !== undefined && !(CATALOG_KINDS as readonly string[]).includes(opts.catalog)) {
          throw new InvalidInput(`connect: unknown --catalog ${JSON.stringify(opts.catalog)}; expected one of ${CATALOG_KINDS.join(', ')}`);
        }
        const credential = opts.credential === undefined ? undefined : parseCredential(opts.credential);
        if (opts.credential !== undefined && !credential) {
          throw new InvalidInput('connect: --credential takes PRINCIPAL:TOKEN, a principal and one of its tokens (silt token create PRINCIPAL makes one)');
        }
        const places = await inProject(this, async (p) => ({ ...catalogPlaces(p), ...(credential ? { credential } : {}) }));
        out(connectOutput(engine as Engine, opts.catalog as CatalogKind | undefined, opts.format as 'text' | 'json', places));
      }),
    );
}

/** Where the project's catalogs are: the REST URI of its running server, or of the one silt.yaml configures. */
export function catalogPlaces(p: Project): CatalogPlaces {
  const props = p.catalog.pyicebergProperties();
  return { restUri: `${serverUrl(p)}/iceberg`, warehouse: props['warehouse']!, sqlalchemyUri: props['uri']!, catalogName: CATALOG_NAME, fileIo: p.store.fileIoProperties };
}

function serverUrl(p: Project): string {
  const running = readServerFile(p.config.dir);
  if (running) return running.url;
  const { host, port } = serveSettings(p.config);
  const reachable = host === '0.0.0.0' || host === '::' ? os.hostname() : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/**
 * What `silt connect` prints: with `--catalog`, that catalog's configuration (json: the settings
 * alone); without, REST and then the SQL file where the engine opens it (json: `{rest, sql}`).
 */
export function connectOutput(engine: Engine, catalog: CatalogKind | undefined, format: 'text' | 'json', places: CatalogPlaces): string {
  if (catalog === 'sql' && !supportsSqlCatalog(engine)) {
    throw new InvalidInput(`connect: ${engine} opens Silt's catalog only through REST (silt serve); use --catalog rest, or pyiceberg or spark for the SQL catalog file`);
  }
  const kinds = catalog ? [catalog] : CATALOG_KINDS.filter((k) => k === 'rest' || supportsSqlCatalog(engine));
  const configs = kinds.map((k) => clientConfig(engine, k, places)).filter((c): c is ClientConfig => c !== undefined);
  if (configs.length === 0) throw new InvalidInput(`connect: ${engine} cannot open the catalog at ${places.sqlalchemyUri}; use --catalog rest`);
  if (format === 'text') return configs.map((c) => c.text).join('\n\n');
  if (catalog) return JSON.stringify(configs[0]!.settings);
  return JSON.stringify(Object.fromEntries(configs.map((c) => [c.catalog, c.settings])));
}
