import { quoteIdent, quoteLiteral } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import { TrinoClient } from '../trino/index.js';

/**
 * Makes (or remakes) catalog `name` on the stack's Trino with `settings`, the properties of an
 * etc/catalog file (`connector.name` picks the connector), by CREATE CATALOG: the stack's Trino
 * runs with dynamic catalogs, so no restart.
 */
export async function putTrinoCatalog(trinoUrl: string, name: string, settings: Record<string, string>): Promise<void> {
  const { 'connector.name': connector, ...properties } = settings;
  if (!connector || !/^[a-z_][a-z0-9_]*$/.test(connector)) throw new InvalidInput(`dev: a Trino catalog needs connector.name (a plain name) among its settings, not ${JSON.stringify(connector)}`);
  const trino = new TrinoClient({ url: trinoUrl, catalog: 'system', user: 'silt' });
  const what = `dev: catalog ${name} on Trino`;
  await trino.run(`DROP CATALOG IF EXISTS ${quoteIdent(name)}`, what);
  const withs = Object.entries(properties).map(([k, v]) => `${quoteIdent(k)} = ${quoteLiteral(v)}`);
  // Trino takes the connector's name only unquoted (quoted, the quotes become part of the name).
  await trino.run(`CREATE CATALOG ${quoteIdent(name)} USING ${connector} WITH (${withs.join(', ')})`, what);
}
