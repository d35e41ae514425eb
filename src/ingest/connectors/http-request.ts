import { setTimeout as sleep } from 'node:timers/promises';
import { Cancelled, EnvironmentFault, InvalidInput, SiltError } from '../../errors.js';
import { SECRET_NAME } from './http-config.js';
import type { RateLimit } from './http-rate-limit.js';

export interface RequestSettings {
  headers: Record<string, string>;
  /** Retries after the first attempt, for 429, 5xx, timeouts and network errors. */
  retries: number;
  backoffMs: number;
  maxBackoffMs: number;
  timeoutMs: number;
  /** The longest `Retry-After` waited for; a longer one fails the pull. */
  maxRetryAfterMs: number;
  rate: RateLimit | undefined;
  /** Query parameters whose values are secrets (set from the environment): shown as ***. */
  secretParams: ReadonlySet<string>;
  /** Secret values, never shown in a message even if the API echoes them. */
  secrets: readonly string[];
  log: (line: string) => void;
}

export interface Response {
  status: number;
  headers: Headers;
  body: string;
}

/** `url` as a message may show it: no user:password, secret query values as ***. */
export function shownUrl(url: string, settings: Pick<RequestSettings, 'secretParams'>): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  for (const name of [...u.searchParams.keys()]) {
    if (settings.secretParams.has(name) || SECRET_NAME.test(name)) u.searchParams.set(name, '***');
  }
  return u.toString().replaceAll('%2A%2A%2A', '***');
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((t, s) => (s.length >= 4 ? t.replaceAll(s, '***') : t), text);
}

/** The first 200 bytes of a body, secrets hidden, on one line. */
function excerpt(body: string, secrets: readonly string[]): string {
  const head = Buffer.from(body).subarray(0, 200).toString('utf8').replace(/\uFFFD$/, '');
  return JSON.stringify(redact(head, secrets));
}

/** `Retry-After` in milliseconds (seconds or an HTTP date), if the response has one. */
function retryAfterMs(headers: Headers): number | undefined {
  const v = headers.get('retry-after')?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * GETs `url`: 429, 5xx, timeouts and network errors (a dropped connection included, even mid-body)
 * are retried with exponential backoff and jitter, or after `Retry-After`; any other status that
 * is not 2xx fails at once. `what` names the request in messages (e.g. "page 3").
 */
export async function getWithRetries(url: string, what: string, settings: RequestSettings, signal: AbortSignal): Promise<Response> {
  const shown = shownUrl(url, settings);
  let lastProblem = '';
  for (let attempt = 0; ; attempt++) {
    let waitMs: number | undefined;
    try {
      if (settings.rate) await settings.rate.take(signal);
      const res = await fetch(url, {
        headers: settings.headers,
        signal: AbortSignal.any([signal, AbortSignal.timeout(settings.timeoutMs)]),
      });
      const body = await res.text();
      if (res.ok) return { status: res.status, headers: res.headers, body };
      if (res.status !== 429 && res.status < 500) {
        throw new InvalidInput(
          `http pull: ${what} (GET ${shown}) answered ${res.status} ${res.statusText}: ${excerpt(body, settings.secrets)}; ` +
            (res.status === 401 || res.status === 403 ? 'check the token the source reads from the environment' : 'check the source’s url, params and headers'),
          { code: 'http_status', details: { file: shown, status: res.status } },
        );
      }
      lastProblem = `${res.status} ${res.statusText}: ${excerpt(body, settings.secrets)}`;
      waitMs = retryAfterMs(res.headers);
      if (waitMs !== undefined && waitMs > settings.maxRetryAfterMs) {
        throw new EnvironmentFault(
          `http pull: ${what} (GET ${shown}) answered ${res.status} asking to wait ${Math.round(waitMs / 1000)}s (Retry-After), longer than Silt waits; run the pull again later`,
          { code: 'http_unavailable', details: { file: shown, status: res.status } },
        );
      }
    } catch (e) {
      if (signal.aborted) throw new Cancelled(`http pull: cancelled during ${what} (GET ${shown})`, { cause: e });
      if (e instanceof SiltError) throw e;
      lastProblem = describeNetworkError(e, settings.timeoutMs);
    }
    if (attempt >= settings.retries) {
      throw new EnvironmentFault(
        `http pull: ${what} (GET ${shown}) failed after ${attempt + 1} attempt${attempt === 0 ? '' : 's'}, the last with ${lastProblem}; ` +
          'the API is down or refusing: run the pull again later (it resumes after the last landed chunk), or raise retries.max',
        { code: 'http_unavailable', details: { file: shown } },
      );
    }
    const backoff = Math.min(settings.maxBackoffMs, settings.backoffMs * 2 ** attempt);
    const delay = waitMs ?? backoff / 2 + Math.random() * (backoff / 2);
    settings.log(`http pull: ${what} ${lastProblem}; retry ${attempt + 1} of ${settings.retries} in ${Math.round(delay)}ms`);
    try {
      await sleep(delay, undefined, { signal });
    } catch (e) {
      throw new Cancelled(`http pull: cancelled while waiting to retry ${what} (GET ${shown})`, { cause: e });
    }
  }
}

function describeNetworkError(e: unknown, timeoutMs: number): string {
  if (e instanceof DOMException && e.name === 'TimeoutError') return `no answer within ${timeoutMs}ms`;
  const err = e as Error & { cause?: { code?: string; message?: string } };
  const cause = err.cause?.code ?? err.cause?.message;
  return `a network error (${err.message}${cause ? `: ${cause}` : ''})`;
}
