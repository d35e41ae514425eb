/**
 * What another engine needs to open Silt's catalog: through the Iceberg REST catalog of `silt serve`
 * (every client), or through the SQL catalog file directly (PyIceberg's SqlCatalog, Spark's JDBC
 * catalog). Pure: `silt connect` prints it, and the engine tests configure the real engines with it.
 */

export const ENGINES = ['pyiceberg', 'spark', 'trino', 'duckdb'] as const;
export type Engine = (typeof ENGINES)[number];
export const CATALOG_KINDS = ['rest', 'sql'] as const;
export type CatalogKind = (typeof CATALOG_KINDS)[number];

export interface CatalogPlaces {
  /** The REST catalog's base URI: the server's URL followed by /iceberg. */
  restUri: string;
  /** Where the tables live, as a URI (file:///…). */
  warehouse: string;
  /** The SQL catalog as SQLAlchemy names it (sqlite:///… or postgresql://…). */
  sqlalchemyUri: string;
  /** The catalog_name of the SQL catalog's rows: a JDBC client must use it as its catalog's name. */
  catalogName: string;
  /** How a client reaches the store's files (an S3 endpoint and region; never keys); empty for a folder. */
  fileIo: Record<string, string>;
  /** OAuth2 client credentials for the REST catalog: a principal and one of its tokens; placeholders when not given. */
  credential?: Credential;
}

export interface Credential {
  principal: string;
  secret: string;
}

/** What the REST configurations show when no credential is given: the user fills these in. */
export const PLACEHOLDER_CREDENTIAL: Credential = { principal: '<principal>', secret: '<token>' };

/** Parses `principal:token`, the OAuth2 client credentials of the REST catalog. */
export function parseCredential(text: string): Credential | undefined {
  const at = text.indexOf(':');
  if (at <= 0 || at === text.length - 1) return undefined;
  return { principal: text.slice(0, at), secret: text.slice(at + 1) };
}

function credentialOf(at: CatalogPlaces): { clientCredential: string; tokenUri: string; credential: Credential } {
  const credential = at.credential ?? PLACEHOLDER_CREDENTIAL;
  return { credential, clientCredential: `${credential.principal}:${credential.secret}`, tokenUri: `${at.restUri}/v1/oauth/tokens` };
}

/** The comment line a REST configuration carries when it shows placeholders. */
function placeholderNote(at: CatalogPlaces, comment: string): string[] {
  if (at.credential) return [];
  return [`${comment} replace <principal>:<token> with a principal and one of its tokens (silt principal create NAME --service; silt token create NAME), or run silt connect --credential NAME:TOKEN`];
}

/** The Iceberg Spark runtime a Spark 4.1 session loads (`spark.jars.packages`, or its jar in `spark.jars`). */
export const SPARK_ICEBERG_PACKAGE = 'org.apache.iceberg:iceberg-spark-runtime-4.1_2.13:1.12.0';
export const SQLITE_JDBC_PACKAGE = 'org.xerial:sqlite-jdbc:3.50.3.0';

export interface ClientConfig {
  engine: Engine;
  catalog: CatalogKind;
  /** The settings as data: properties (PyIceberg, Spark, Trino) or statements (DuckDB). */
  settings: Record<string, string> | string[];
  /** The same, as the client's own file or snippet, with a comment line saying where it goes. */
  text: string;
}

/** Engines that can open the SQL catalog file themselves. */
const SQL_CLIENTS: readonly Engine[] = ['pyiceberg', 'spark'];

export function supportsSqlCatalog(engine: Engine): boolean {
  return SQL_CLIENTS.includes(engine);
}

/** The JDBC URL of a SQLAlchemy URI Silt's catalog uses, or undefined for a database JDBC does not name the same way. */
export function jdbcUriOf(sqlalchemyUri: string): string | undefined {
  const sqlite = /^sqlite:\/\/\/(.+)$/.exec(sqlalchemyUri);
  if (sqlite) return `jdbc:sqlite:${sqlite[1]}`;
  const pg = /^postgresql(?:\+\w+)?:\/\/(.+)$/.exec(sqlalchemyUri);
  if (pg) return `jdbc:postgresql://${pg[1]}`;
  return undefined;
}

export function clientConfig(engine: Engine, catalog: CatalogKind, at: CatalogPlaces): ClientConfig | undefined {
  if (catalog === 'sql' && !supportsSqlCatalog(engine)) return undefined;
  switch (engine) {
    case 'pyiceberg':
      return pyiceberg(catalog, at);
    case 'spark':
      return spark(catalog, at);
    case 'trino':
      return trino(at);
    case 'duckdb':
      return duckdb(at);
  }
}

function pyiceberg(catalog: CatalogKind, at: CatalogPlaces): ClientConfig {
  const { clientCredential, tokenUri } = credentialOf(at);
  const settings: Record<string, string> =
    catalog === 'rest'
      ? { type: 'rest', uri: at.restUri, credential: clientCredential, 'oauth2-server-uri': tokenUri }
      : { type: 'sql', uri: at.sqlalchemyUri, warehouse: at.warehouse, ...at.fileIo };
  const text = [
    `# PyIceberg, ${catalog === 'rest' ? "through silt serve's REST catalog" : 'on the SQL catalog file (pip install "pyiceberg[sql-sqlite]")'}`,
    ...(catalog === 'rest' ? placeholderNote(at, '#') : []),
    'from pyiceberg.catalog import load_catalog',
    `catalog = load_catalog("silt", **${JSON.stringify(settings)})`,
  ];
  return { engine: 'pyiceberg', catalog, settings, text: text.join('\n') };
}

function spark(catalog: CatalogKind, at: CatalogPlaces): ClientConfig | undefined {
  const name = catalog === 'rest' ? 'silt' : at.catalogName;
  const prefix = `spark.sql.catalog.${name}`;
  const settings: Record<string, string> = {
    'spark.sql.extensions': 'org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions',
    [prefix]: 'org.apache.iceberg.spark.SparkCatalog',
  };
  if (catalog === 'rest') {
    const { clientCredential, tokenUri } = credentialOf(at);
    Object.assign(settings, { [`${prefix}.type`]: 'rest', [`${prefix}.uri`]: at.restUri, [`${prefix}.credential`]: clientCredential, [`${prefix}.oauth2-server-uri`]: tokenUri });
  } else {
    const jdbc = jdbcUriOf(at.sqlalchemyUri);
    if (!jdbc) return undefined;
    Object.assign(settings, { [`${prefix}.type`]: 'jdbc', [`${prefix}.uri`]: jdbc, [`${prefix}.warehouse`]: at.warehouse });
  }
  const packages = catalog === 'rest' ? SPARK_ICEBERG_PACKAGE : `${SPARK_ICEBERG_PACKAGE},${SQLITE_JDBC_PACKAGE}`;
  const text = [
    `# Spark 4.1, ${catalog === 'rest' ? "through silt serve's REST catalog" : 'on the SQL catalog file (JDBC)'}: lines for spark-defaults.conf, or each as --conf key=value`,
    `# with the Iceberg runtime: spark.jars.packages=${packages}`,
    ...(catalog === 'rest' ? placeholderNote(at, '#') : []),
    ...Object.entries(settings).map(([k, v]) => `${k}=${v}`),
  ];
  return { engine: 'spark', catalog, settings, text: text.join('\n') };
}

function trino(at: CatalogPlaces): ClientConfig {
  const settings: Record<string, string> = {
    'connector.name': 'iceberg',
    'iceberg.catalog.type': 'rest',
    'iceberg.rest-catalog.uri': at.restUri,
    'iceberg.rest-catalog.security': 'OAUTH2',
    'iceberg.rest-catalog.oauth2.credential': credentialOf(at).clientCredential,
    'iceberg.rest-catalog.oauth2.server-uri': credentialOf(at).tokenUri,
  };
  if (at.warehouse.startsWith('file:')) Object.assign(settings, { 'fs.native-local.enabled': 'true', 'local.location': '/' });
  // Trino's own S3 file system, told the store's endpoint and addressing; keys come from Trino's
  // environment (AWS_ACCESS_KEY_ID, …) or its other usual AWS sources.
  if (at.warehouse.startsWith('s3:')) {
    const io = at.fileIo;
    Object.assign(settings, {
      'fs.native-s3.enabled': 'true',
      ...(io['s3.endpoint'] ? { 's3.endpoint': io['s3.endpoint'] } : {}),
      ...(io['s3.region'] ? { 's3.region': io['s3.region'] } : {}),
      ...(io['s3.path-style-access'] ? { 's3.path-style-access': io['s3.path-style-access'] } : {}),
    });
  }
  const text = [
    "# Trino, through silt serve's REST catalog: etc/catalog/silt.properties",
    ...placeholderNote(at, '#'),
    ...Object.entries(settings).map(([k, v]) => `${k}=${v}`),
  ];
  return { engine: 'trino', catalog: 'rest', settings, text: text.join('\n') };
}

function duckdb(at: CatalogPlaces): ClientConfig {
  const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const { credential, tokenUri } = credentialOf(at);
  const settings = [
    'INSTALL iceberg',
    'LOAD iceberg',
    `CREATE SECRET silt_catalog (TYPE iceberg, CLIENT_ID ${quote(credential.principal)}, CLIENT_SECRET ${quote(credential.secret)}, OAUTH2_SERVER_URI ${quote(tokenUri)})`,
    `ATTACH ${quote(at.warehouse)} AS silt (TYPE iceberg, ENDPOINT ${quote(at.restUri)}, SECRET silt_catalog, ACCESS_DELEGATION_MODE 'none')`,
  ];
  const text = ["-- DuckDB 1.5, through silt serve's REST catalog", ...placeholderNote(at, '--'), ...settings.map((s) => `${s};`)];
  return { engine: 'duckdb', catalog: 'rest', settings, text: text.join('\n') };
}
