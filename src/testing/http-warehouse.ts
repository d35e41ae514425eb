import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface FolderServer {
  /** http://127.0.0.1:PORT, serving `root` at `/`. */
  url: string;
  /** Requests answered with 206 (a byte range), 200 and 404. */
  counts: { partial: number; full: number; missing: number };
  close(): Promise<void>;
}

/** Serves a folder read-only over HTTP on 127.0.0.1 with HEAD and single-range GET, like an object store. */
export async function serveFolder(root: string): Promise<FolderServer> {
  const counts = { partial: 0, full: 0, missing: 0 };
  const server = http.createServer((req, res) => {
    void answer(root, req, res, counts);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

async function answer(root: string, req: http.IncomingMessage, res: http.ServerResponse, counts: FolderServer['counts']): Promise<void> {
  const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const file = path.join(root, rel);
  const size = file.startsWith(root + path.sep) ? await stat(file).then((s) => (s.isFile() ? s.size : -1), () => -1) : -1;
  if (size < 0) {
    counts.missing++;
    res.writeHead(404).end();
    return;
  }
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  let start = 0;
  let end = size - 1;
  if (range) {
    if (range[1] === '') start = Math.max(0, size - Number(range[2])); // suffix range: the last N bytes
    else {
      start = Number(range[1]);
      if (range[2] !== '') end = Math.min(end, Number(range[2]));
    }
    if (start > end) {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
      return;
    }
    counts.partial++;
    res.writeHead(206, { 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Accept-Ranges': 'bytes' });
  } else {
    counts.full++;
    res.writeHead(200, { 'Content-Length': size, 'Accept-Ranges': 'bytes' });
  }
  if (req.method === 'HEAD') res.end();
  else createReadStream(file, { start, end }).pipe(res);
}

/**
 * Runs `fn` with `globalThis.fetch` seeing `file://` URLs under `root` as the same paths on the
 * server: the table metadata names its files by `file://` URI (as a local warehouse should), and
 * an HTTP-only reader then reads them through the server, byte ranges included.
 */
export async function withFileUrlsOver<T>(root: string, server: FolderServer, fn: () => Promise<T>): Promise<T> {
  const original = globalThis.fetch;
  const prefix = `file://${root}/`;
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith('file://')) {
      if (!url.startsWith(prefix)) return Promise.reject(new Error(`test fetch: ${url} is outside ${root}`));
      return original(`${server.url}/${url.slice(prefix.length)}`, init);
    }
    return original(input, init);
  }) as typeof fetch;
  try {
    return await fn();
  } finally {
    globalThis.fetch = original;
  }
}
