import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Item {
  id: number;
  updated_at: string;
  name: string;
}

export type Style = 'page' | 'offset' | 'cursor' | 'link';
export type Fault = '500' | '429' | 'drop' | 'notjson' | 'hang';

/**
 * A JSON API on 127.0.0.1 for the HTTP connector's tests: `GET /items` serves `items` (sorted by
 * updated_at, then id; `updated_since` keeps those at or after it) in pages of `pageSize`, paged
 * the way `style` says. `faults` are served, one a request, before any page; `token`, when set, is
 * required as a bearer token.
 */
export class TestApi {
  items: Item[] = [];
  style: Style = 'page';
  pageSize = 3;
  /** One a request; null: that request is served normally. */
  faults: (Fault | null)[] = [];
  token: string | undefined;
  retryAfter = '1';
  readonly requests: { url: URL; headers: IncomingHttpHeaders }[] = [];
  #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<TestApi> {
    const server = createServer();
    const api = new TestApi(server);
    server.on('request', (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      api.requests.push({ url, headers: req.headers });
      const fault = api.faults.shift();
      if (fault === 'hang') return;
      if (fault === 'drop') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"data": [{"id"');
        setImmediate(() => res.destroy());
        return;
      }
      if (fault === '500') return void res.writeHead(500).end('upstream exploded');
      if (fault === '429') return void res.writeHead(429, { 'retry-after': api.retryAfter }).end('slow down');
      if (fault === 'notjson') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
      if (api.token !== undefined && req.headers.authorization !== `Bearer ${api.token}`) {
        return void res.writeHead(401).end(JSON.stringify({ error: 'bad token', got: req.headers.authorization ?? null }));
      }
      if (url.pathname !== '/items') return void res.writeHead(404).end(`no route ${url.pathname}`);
      api.#serveItems(url, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/items`;
  }

  /** The query parameters of each request so far. */
  get queries(): Record<string, string>[] {
    return this.requests.map((r) => Object.fromEntries(r.url.searchParams));
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #serveItems(url: URL, res: import('node:http').ServerResponse): void {
    const since = url.searchParams.get('updated_since');
    const rows = this.items
      .filter((i) => since === null || i.updated_at >= since)
      .sort((a, b) => (a.updated_at < b.updated_at ? -1 : a.updated_at > b.updated_at ? 1 : a.id - b.id));
    const q = (name: string, fallback: number) => Number(url.searchParams.get(name) ?? fallback);
    // An API caps what a client asks for: at most pageSize a page.
    const size = this.pageSize;
    const per = (name: string) => Math.min(size, q(name, size));
    const json = (body: unknown, headers: Record<string, string> = {}) => res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    switch (this.style) {
      case 'page': {
        const page = q('page', 1);
        return void json({ data: rows.slice((page - 1) * per('per_page'), page * per('per_page')) });
      }
      case 'offset':
        return void json({ data: rows.slice(q('offset', 0), q('offset', 0) + per('limit')) });
      case 'cursor': {
        const at = Number(Buffer.from(url.searchParams.get('cursor') ?? 'MA', 'base64url').toString());
        const more = at + size < rows.length;
        return void json({ data: rows.slice(at, at + size), meta: { next: more ? Buffer.from(String(at + size)).toString('base64url') : null } });
      }
      case 'link': {
        const page = q('page', 1);
        const next = new URLSearchParams(url.searchParams);
        next.set('page', String(page + 1));
        const more = page * size < rows.length;
        return void json(rows.slice((page - 1) * size, page * size), more ? { link: `</items?${next}>; rel="next", </items?page=1>; rel="first"` } : {});
      }
    }
  }
}

/** `n` items with ids 1..n, updated a minute apart. */
export function items(n: number): Item[] {
  return Array.from({ length: n }, (_, i) => ({ id: i + 1, updated_at: `2026-01-01T00:${String(i).padStart(2, '0')}:00Z`, name: `item ${i + 1}` }));
}
