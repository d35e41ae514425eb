/**
 * Trino's client protocol over HTTP: a statement is POSTed to `/v1/statement` and its result
 * pages followed by `nextUri` until none is left. Silt sends only statements it wrote (CREATE
 * TABLE … AS SELECT into a staging table, DROP TABLE), so rows are read as JSON arrays, untyped.
 */
import { EnvironmentFault, InvalidInput } from '../errors.js';

export interface TrinoSettings {
  /** The coordinator, e.g. http://trino:8080. */
  url: string;
  /** Trino's name for the catalog that reaches Silt's REST catalog (`silt connect trino` names it `silt`). */
  catalog: string;
  /** The user Trino runs the statements as. */
  user: string;
}

export interface TrinoResult {
  columns: string[];
  rows: unknown[][];
}

interface Page {
  nextUri?: string;
  columns?: { name: string }[];
  data?: unknown[][];
  error?: { errorName?: string; errorType?: string; message?: string };
}

export class TrinoClient {
  constructor(readonly settings: TrinoSettings) {}

  /**
   * Runs one statement to its end; an error Trino reports on it is InvalidInput carrying Trino's
   * message (`what` says whose SQL it was), an unreachable coordinator an EnvironmentFault.
   * Aborting `signal` cancels the query on Trino.
   */
  async run(sql: string, what: string, signal?: AbortSignal): Promise<TrinoResult> {
    const { url, catalog, user } = this.settings;
    // UTC, as Silt's DuckDB reads timestamps; PARAMETRIC_DATETIME keeps all six fractional digits.
    const headers = { 'X-Trino-User': user, 'X-Trino-Catalog': catalog, 'X-Trino-Time-Zone': 'UTC', 'X-Trino-Client-Capabilities': 'PARAMETRIC_DATETIME' };
    let page = await this.request(`${url.replace(/\/$/, '')}/v1/statement`, { method: 'POST', body: sql, headers }, signal);
    let columns: string[] | undefined;
    const rows: unknown[][] = [];
    try {
      for (;;) {
        if (page.error) {
          const e = page.error;
          // Only a USER_ERROR is the statement's fault; NO_NODES_AVAILABLE (a coordinator still
          // starting), lack of memory or an internal failure are the cluster's, and a rerun may pass.
          if (e.errorType && e.errorType !== 'USER_ERROR') {
            throw new EnvironmentFault(`${what}: Trino (${url}) could not run it: ${e.errorName ?? e.errorType}: ${e.message ?? 'no message'}; check the cluster's state and run again`);
          }
          throw new InvalidInput(`${what}: Trino (${url}) refused it: ${e.errorName ?? e.errorType ?? 'error'}: ${e.message ?? 'no message'}`);
        }
        if (page.columns && !columns) columns = page.columns.map((c) => c.name);
        if (page.data) rows.push(...page.data);
        if (!page.nextUri) break;
        page = await this.request(page.nextUri, { headers }, signal);
      }
    } catch (e) {
      if (page.nextUri) await fetch(page.nextUri, { method: 'DELETE', headers }).catch(() => undefined);
      throw e;
    }
    return { columns: columns ?? [], rows };
  }

  private async request(url: string, init: RequestInit, signal?: AbortSignal): Promise<Page> {
    let res: Response;
    try {
      res = await fetch(url, { ...init, ...(signal ? { signal } : {}) });
    } catch (e) {
      if (signal?.aborted) throw e;
      throw new EnvironmentFault(`trino: cannot reach the coordinator at ${this.settings.url} (${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)}); check trino.url in silt.yaml and that Trino is running`);
    }
    if (res.status === 503 || res.status === 429) {
      await new Promise((r) => setTimeout(r, 100));
      return this.request(url, init, signal);
    }
    if (!res.ok) {
      throw new EnvironmentFault(`trino: the coordinator at ${this.settings.url} answered ${res.status} ${res.statusText}: ${(await res.text()).slice(0, 300)}`);
    }
    return (await res.json()) as Page;
  }
}
