import { InvalidInput } from '../../errors.js';
import { keysOf, type HttpPaginate } from './http-config.js';
import type { Response } from './http-request.js';

/** Where the next page is: a page number, an offset, a cursor (null: the first page) or a URL (link). */
export type PagePosition = { page: number } | { offset: number } | { cursor: string | null } | { url: string };

/** The first page's position. `firstUrl` is the configured URL with its fixed and incremental parameters. */
export function firstPosition(paginate: HttpPaginate | undefined, firstUrl: string): PagePosition {
  switch (paginate?.kind) {
    case 'page':
      return { page: paginate.start };
    case 'offset':
      return { offset: 0 };
    case 'cursor':
      return { cursor: null };
    default:
      return { url: firstUrl };
  }
}

/** The URL that fetches the page at `position`. */
export function pageUrl(paginate: HttpPaginate | undefined, firstUrl: string, position: PagePosition): string {
  if ('url' in position) return position.url;
  const u = new URL(firstUrl);
  if (paginate?.kind === 'page' && 'page' in position) {
    u.searchParams.set(paginate.param, String(position.page));
    if (paginate.size_param !== undefined) u.searchParams.set(paginate.size_param, String(paginate.size));
  } else if (paginate?.kind === 'offset' && 'offset' in position) {
    u.searchParams.set(paginate.param, String(position.offset));
    u.searchParams.set(paginate.limit_param, String(paginate.limit));
  } else if (paginate?.kind === 'cursor' && 'cursor' in position) {
    if (position.cursor !== null) u.searchParams.set(paginate.param, position.cursor);
  } else {
    throw new InvalidInput(`http pull: the saved position ${JSON.stringify(position)} does not fit paginate.kind ${paginate?.kind ?? '(none)'}; the source's paginate changed since the last pull: put paginate back, or declare the source under a new name to pull the API from the start`);
  }
  return u.toString();
}

/**
 * The page after the one at `position`, or undefined when that was the last: an empty page ends
 * every kind; a cursor ends when the page holds none, a link when there is no rel="next".
 */
export function nextPosition(
  paginate: HttpPaginate | undefined,
  position: PagePosition,
  page: { url: string; response: Response; json: unknown; count: number },
): PagePosition | undefined {
  if (page.count === 0) return undefined;
  switch (paginate?.kind) {
    case 'page':
      return { page: (position as { page: number }).page + 1 };
    case 'offset':
      return { offset: (position as { offset: number }).offset + page.count };
    case 'cursor': {
      const next = valueAt(page.json, keysOf(paginate.path));
      if (next === undefined || next === null || next === '') return undefined;
      const cursor = typeof next === 'string' || typeof next === 'number' ? String(next) : JSON.stringify(next);
      return cursor === (position as { cursor: string | null }).cursor ? undefined : { cursor };
    }
    case 'link': {
      const next = nextLink(page.response.headers.get('link'), page.url);
      return next === undefined || next === page.url ? undefined : { url: next };
    }
    default:
      return undefined;
  }
}

/** The rel="next" target of an RFC 8288 `Link` header, resolved against the page's URL. */
export function nextLink(header: string | null, base: string): string | undefined {
  if (!header) return undefined;
  for (const m of header.matchAll(/<([^>]*)>((?:\s*;\s*(?:[^;,"]|"[^"]*")+)*)/g)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(m[2] ?? '');
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (rels.includes('next')) return new URL(m[1]!, base).toString();
  }
  return undefined;
}

/** The value at a path of keys in a JSON document, or undefined where a key is missing. */
export function valueAt(doc: unknown, keys: readonly string[]): unknown {
  let at = doc;
  for (const key of keys) {
    if (at === null || typeof at !== 'object' || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** A page's rows: the whole page, or the array at `records`; anything else fails naming the page. */
export function pageRecords(body: string, records: string | undefined, what: string): { json: unknown; rows: Record<string, unknown>[] } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    throw new InvalidInput(`http pull: ${what} is not JSON (${(e as Error).message}); it begins ${JSON.stringify(body.slice(0, 80))}: check the source's url`, {
      code: 'http_bad_page',
    });
  }
  const rows = records === undefined ? json : valueAt(json, keysOf(records));
  if (!Array.isArray(rows)) {
    const found = rows === undefined ? 'has no such key' : `holds ${rows === null ? 'null' : typeof rows}`;
    throw new InvalidInput(
      records === undefined
        ? `http pull: ${what} is a JSON ${typeof json === 'object' && json !== null ? 'object' : typeof json}, not an array of records; write records: <the key holding them>`
        : `http pull: ${what} ${found} at records: ${records}, not an array; write the path of the page's array of records`,
      { code: 'http_bad_page', details: { key: 'records' } },
    );
  }
  const bad = rows.findIndex((r) => r === null || typeof r !== 'object' || Array.isArray(r));
  if (bad >= 0) {
    throw new InvalidInput(`http pull: record ${bad + 1} of ${what} is ${JSON.stringify(rows[bad])}, not a JSON object; records must be objects of fields`, {
      code: 'http_bad_page',
    });
  }
  return { json, rows: rows as Record<string, unknown>[] };
}
