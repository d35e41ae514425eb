import type { Context } from 'hono';
import { z } from '@hono/zod-openapi';
import { InvalidInput, NotFound } from '../../errors.js';
import { parseIcebergJson, stringifyJson } from '../../table/index.js';

/** A JSON answer that may hold int64 snapshot ids (bigints), written exactly. */
export function exactJson(c: Context, value: unknown, status: 200 = 200, headers: Record<string, string> = {}): never {
  return c.body(stringifyJson(value), status, { 'content-type': 'application/json', ...headers }) as never;
}

/** The request body parsed again without losing int64 precision (zod has already checked its shape). */
export async function exactBody(c: Context): Promise<unknown> {
  return parseIcebergJson(await c.req.text());
}

/** The spec joins a namespace's levels with 0x1F; Silt's namespaces have one level. */
export function oneLevel(namespace: string): string {
  if (namespace.includes('\u001f')) {
    throw new NotFound(`iceberg: no namespace ${namespace.split('\u001f').join('.')}: Silt's namespaces have one level`, { code: 'namespace_not_found', details: { key: namespace } });
  }
  return namespace;
}

/**
 * The namespace of a table path: a nested one holds no table, so the table is not found (clients
 * such as Spark look `ns.t.files` up as table `files` of namespace `ns.t` first, and try the
 * metadata table `files` of `ns.t` only on NoSuchTableException).
 */
export function namespaceOfTable(namespace: string, table: string): string {
  if (namespace.includes('\u001f')) {
    const ident = `${namespace.split('\u001f').join('.')}.${table}`;
    throw new NotFound(`iceberg: no table ${ident}: Silt's namespaces have one level`, { code: 'table_not_found', details: { table: ident } });
  }
  return namespace;
}

/** A namespace given as the spec's array of levels, in a body. */
export function namespaceOf(levels: readonly string[], field = 'namespace'): string {
  if (levels.length !== 1) {
    throw new InvalidInput(`${field}: Silt's namespaces have exactly one level, not ${levels.length} (${JSON.stringify(levels)})`, { details: { field } });
  }
  return levels[0]!;
}

export const NamespacePath = z.object({ namespace: z.string().min(1).openapi({ param: { name: 'namespace', in: 'path' }, description: 'levels joined by 0x1F (Silt: one level)' }) });
export const TablePath = NamespacePath.extend({ table: z.string().min(1).openapi({ param: { name: 'table', in: 'path' } }) });

/** `pageToken` / `pageSize`: the token is the offset of the next page. */
export const PageQuery = z.object({
  pageToken: z.string().regex(/^\d{0,15}$/, 'a page token this server gave').optional().openapi({ param: { name: 'pageToken', in: 'query' } }),
  pageSize: z.coerce.number().int().min(1).max(10_000).optional().openapi({ param: { name: 'pageSize', in: 'query' } }),
});

/** One page of `all`, and the token of the next when there is one (absent: no paging asked, all of it). */
export function page<T>(all: readonly T[], q: z.infer<typeof PageQuery>): { items: T[]; next?: string } {
  const from = q.pageToken ? Number(q.pageToken) : 0;
  if (q.pageSize === undefined) return { items: all.slice(from) };
  const items = all.slice(from, from + q.pageSize);
  return from + q.pageSize < all.length ? { items, next: String(from + q.pageSize) } : { items };
}

export const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
