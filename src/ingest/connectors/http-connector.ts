import { InvalidInput } from '../../errors.js';
import type { Connector, ConnectorState, PullOptions, PulledChunk } from './connector.js';
import type { HttpPullConfig, HttpValue } from './http-config.js';
import { Watermark, type Mark } from './http-incremental.js';
import { firstPosition, nextPosition, pageRecords, pageUrl, type PagePosition } from './http-pages.js';
import { RateLimit } from './http-rate-limit.js';
import { getWithRetries, shownUrl, type RequestSettings } from './http-request.js';

/**
 * The pull's state, kept by the driver after each landed chunk. While a pull is under way `next`
 * is the page to ask for and `skip` how many of its records are landed already; `since` is what the
 * pull sends as the incremental parameter (the same for every page, so a resumed pull asks the same
 * question). A finished pull keeps only `max` and `atMax`, which the next pull sends and passes over.
 */
interface HttpState {
  next?: PagePosition;
  skip?: number;
  pages?: number;
  since?: Mark;
  sinceSeen?: string[];
  max?: Mark;
  atMax?: string[];
}

const DEFAULTS = { retries: 5, backoffMs: 1000, maxBackoffMs: 60_000, timeoutMs: 30_000, maxRetryAfterMs: 600_000 };

/** Pulls a JSON API page by page (see `http-config.ts` for what silt.yaml says). */
export function httpConnector(config: HttpPullConfig, env: NodeJS.ProcessEnv): Connector {
  const rate = config.rate_limit ? new RateLimit(config.rate_limit.per_second, config.rate_limit.burst) : undefined;
  return {
    async *pull(state: ConnectorState | undefined, options: PullOptions): AsyncIterable<PulledChunk> {
      const { settings, params } = requestSettings(config, env, rate, options.log);
      const saved = (state ?? {}) as HttpState;
      const resuming = saved.next !== undefined;
      const since = resuming ? saved.since : (saved.max ?? config.incremental?.start);
      const sinceSeen = new Set(resuming ? (saved.sinceSeen ?? []) : (saved.atMax ?? []));
      const watermark = config.incremental
        ? new Watermark(config.incremental.field, since, sinceSeen, resuming ? saved.max : since, new Set(saved.atMax ?? []))
        : undefined;

      const first = new URL(config.url);
      for (const [name, v] of Object.entries(params)) first.searchParams.set(name, v);
      if (config.incremental && since !== undefined) first.searchParams.set(config.incremental.param, String(since));
      const firstUrl = first.toString();

      let position: PagePosition | undefined = resuming ? saved.next! : firstPosition(config.paginate, firstUrl);
      let skip = resuming ? (saved.skip ?? 0) : 0;
      let pages = resuming ? (saved.pages ?? 0) : 0;
      let rows = 0;
      let previousBody: string | undefined;
      let buffer: Record<string, unknown>[] = [];
      let lastState = JSON.stringify(saved);
      const started = performance.now();
      const asking = config.incremental && since !== undefined ? `, ${config.incremental.param}=${String(since)}` : '';
      options.log(resuming ? `http pull: resuming at page ${pages + 1}, after its first ${skip} records${asking}` : `http pull: from the first page${asking}`);

      const stateAt = (at: PagePosition | undefined, within: number, pagesDone: number): HttpState => {
        const wm = watermark ? { max: watermark.max, atMax: [...watermark.atMax] } : {};
        if (at === undefined) return wm;
        return { next: at, skip: within, pages: pagesDone, ...(since === undefined ? {} : { since, sinceSeen: [...sinceSeen] }), ...wm };
      };
      const chunk = (s: HttpState): PulledChunk => {
        rows += buffer.length;
        const out = { records: buffer, state: s as ConnectorState };
        buffer = [];
        lastState = JSON.stringify(s);
        options.log(`http pull: ${rows} rows from ${pages} pages in ${((performance.now() - started) / 1000).toFixed(1)}s`);
        return out;
      };

      while (position !== undefined) {
        const url = pageUrl(config.paginate, firstUrl, position);
        const what = `page ${pages + 1} (${shownUrl(url, settings)})`;
        const response = await getWithRetries(url, `page ${pages + 1}`, settings, options.signal);
        const { json, rows: records } = pageRecords(response.body, config.records, what);
        const next = nextPosition(config.paginate, position, { url, response, json, count: records.length });
        if (next !== undefined && response.body === previousBody) {
          throw new InvalidInput(`http pull: ${what} is the same as the page before: the API does not page by paginate.${pagingParam(config.paginate)}; check the source's paginate`, {
            code: 'http_bad_page',
            details: { key: 'paginate' },
          });
        }
        previousBody = response.body;
        for (let i = skip; i < records.length; i++) {
          const record = records[i]!;
          if (watermark && !watermark.admit(record)) continue;
          buffer.push(record);
          if (buffer.length >= options.chunkRows) {
            yield chunk(i + 1 === records.length ? stateAt(next, 0, pages + 1) : stateAt(position, i + 1, pages));
          }
        }
        pages++;
        position = next;
        skip = 0;
      }
      const final = stateAt(undefined, 0, pages);
      if (buffer.length > 0 || JSON.stringify(final) !== lastState) yield chunk(final);
    },
  };
}

function pagingParam(paginate: HttpPullConfig['paginate']): string {
  return paginate === undefined || paginate.kind === 'link' ? 'kind' : `param (${paginate.param})`;
}

/** Headers, retry and rate settings with every `{ env: NAME }` read now; a variable not set fails naming it. */
function requestSettings(
  config: HttpPullConfig,
  env: NodeJS.ProcessEnv,
  rate: RateLimit | undefined,
  log: (line: string) => void,
): { settings: RequestSettings; params: Record<string, string> } {
  const secrets: string[] = [];
  const read = (v: HttpValue, where: string): string => {
    if (typeof v === 'string') return v;
    const found = env[v.env];
    if (found === undefined || found === '') {
      throw new InvalidInput(`http pull: ${where} reads the environment variable ${v.env}, which is not set; set it where silt runs (export ${v.env}=…)`, {
        code: 'http_env_missing',
        details: { key: where },
      });
    }
    secrets.push(found);
    return found;
  };
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'silt' };
  for (const [name, v] of Object.entries(config.headers ?? {})) headers[name.toLowerCase()] = read(v, `headers.${name}`);
  if (config.auth) headers['authorization'] = `Bearer ${read({ env: config.auth.bearer_env }, 'auth.bearer_env')}`;
  const params: Record<string, string> = {};
  const secretParams = new Set<string>();
  for (const [name, v] of Object.entries(config.params ?? {})) {
    params[name] = read(v, `params.${name}`);
    if (typeof v !== 'string') secretParams.add(name);
  }
  const settings: RequestSettings = {
    headers,
    retries: config.retries?.max ?? DEFAULTS.retries,
    backoffMs: config.retries?.backoff ?? DEFAULTS.backoffMs,
    maxBackoffMs: config.retries?.max_backoff ?? DEFAULTS.maxBackoffMs,
    timeoutMs: config.timeout ?? DEFAULTS.timeoutMs,
    maxRetryAfterMs: DEFAULTS.maxRetryAfterMs,
    rate,
    secretParams,
    secrets,
    log,
  };
  return { settings, params };
}
