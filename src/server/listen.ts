import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { EnvironmentFault } from '../errors.js';

export interface Listening {
  /** `http://host:port`, with the port the system gave when 0 was asked for. */
  readonly url: string;
  /** Stops taking connections, lets requests in flight finish (at most `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
}

/** Serves `app` on host:port (127.0.0.1 by default: nothing outside the machine reaches it unless asked). */
export async function listen(app: OpenAPIHono, host = '127.0.0.1', port = 0): Promise<Listening> {
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host, port }) as Server;
  // A client that stalls while sending its request is cut off, not kept forever.
  server.requestTimeout = 60_000;
  server.headersTimeout = 15_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new EnvironmentFault(`serve: ${host}:${port} is in use; pick another with --port`, { code: 'address_in_use' })
          : new EnvironmentFault(`serve: cannot listen on ${host}:${port}: ${e.message}`, { code: 'listen_failed' }),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
