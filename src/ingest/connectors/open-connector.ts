import type { Connector } from './connector.js';
import { httpConnector } from './http-connector.js';
import type { PullConfig } from './pull-config.js';
import { PostgresConnector } from './postgres-connector.js';

/** A connector ready to pull, and how to let go of what it holds (a connection). */
type OpenConnector = Connector & { close?(): Promise<void> };

/** The connector of a source's `pull:`, connected and checked (the table, the columns it names). */
export async function openConnector(source: string, pull: PullConfig): Promise<OpenConnector> {
  switch (pull.kind) {
    case 'postgres':
      return PostgresConnector.open(source, pull);
    case 'http':
      return httpConnector(pull, process.env);
  }
}

/** Opens and closes a source's connector: what `silt plan` checks of a pulled source. */
export async function checkConnector(source: string, pull: PullConfig): Promise<void> {
  await (await openConnector(source, pull)).close?.();
}

/** What a source is pulled from, for `silt plan`: `postgres public.customers`. */
export function pullOrigin(pull: PullConfig): string {
  switch (pull.kind) {
    case 'postgres':
      return `postgres ${pull.table}`;
    case 'http': {
      const url = new URL(pull.url);
      return `http ${url.origin}${url.pathname}`;
    }
  }
}
