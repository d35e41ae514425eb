/** The console's only way to the lakehouse: the HTTP API under /v1, as JSON. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'silt.token';

/**
 * The bearer token every request carries: `silt serve` prints the console's address with the
 * owner's token (`/?token=…`); it is kept in this browser and taken out of the address bar.
 * Anyone else signs in with a token `silt token create` made.
 */
export function takeTokenFromAddress(): void {
  const params = new URLSearchParams(location.search);
  const token = params.get('token');
  if (token === null) return;
  localStorage.setItem(TOKEN_KEY, token);
  params.delete('token');
  const rest = params.toString();
  history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

export function hasToken(): boolean {
  return localStorage.getItem(TOKEN_KEY) !== null;
}

function authorized(headers: Record<string, string>): Record<string, string> {
  const token = localStorage.getItem(TOKEN_KEY);
  return token ? { ...headers, authorization: `Bearer ${token}` } : headers;
}

/** Told when the server refuses the token (missing, revoked or expired), so the console asks for another. */
export let onUnauthenticated: () => void = () => undefined;
export function whenUnauthenticated(fn: () => void): void {
  onUnauthenticated = fn;
}

async function answer<T>(res: Response): Promise<T> {
  if (res.status === 401) onUnauthenticated();
  const text = await res.text();
  const body = text ? (JSON.parse(text) as unknown) : null;
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? 'http_error', err?.message ?? `${res.status} ${res.statusText}`);
  }
  return body as T;
}

export async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  return answer<T>(await fetch(`/v1${path}`, { signal, headers: authorized({ accept: 'application/json' }) }));
}

export async function post<T>(path: string, body: unknown = {}): Promise<T> {
  return answer<T>(await fetch(`/v1${path}`, { method: 'POST', headers: authorized({ 'content-type': 'application/json' }), body: JSON.stringify(body) }));
}

/** Saves what `path` answers as a file named `filename` (a link cannot carry the token). */
export async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(`/v1${path}`, { headers: authorized({}) });
  if (!res.ok) await answer(res);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const tablePath = (qualified: string) => qualified.split('.').map(encodeURIComponent).join('/');

export interface Column {
  id: number;
  name: string;
  type: string;
  required: boolean;
  doc?: string;
}
export interface TableInfo {
  namespace: string;
  name: string;
  location: string;
  columns: Column[];
  current_snapshot_id: string | null;
  properties: Record<string, string>;
  partition_spec: { name: string; transform: string; source: string }[];
  rows: number;
  files: number;
  bytes: number;
  last_updated_at: string;
}
export interface TableRef {
  namespace: string;
  name: string;
  kind: 'iceberg' | 'external';
}
export interface Snapshot {
  snapshot_id: string;
  parent_id: string | null;
  committed_at: string;
  operation: string;
  summary: Record<string, string>;
  current: boolean;
}
export interface SchemaVersion {
  schema_id: number;
  current: boolean;
  columns: Column[];
  added: string[];
  dropped: string[];
  changed: { id: number; from: Column; to: Column }[];
}
export interface Partition {
  values: Record<string, string>;
  spec_id: number;
  files: number;
  rows: number;
  bytes: number;
}
export interface Run {
  runId: string;
  trigger: string;
  selector: string | null;
  status: string;
  startedMs: number;
  finishedMs: number | null;
  error: string | null;
  jobId: string | null;
}
export interface Step {
  step: string;
  kind: string;
  status: string;
  startedMs: number;
  finishedMs: number | null;
  /** Null for a step that failed or did not run. */
  rowsIn: number | null;
  rowsWritten: number;
  rowsQuarantined: number;
  rowsDeduplicated: number;
  bytesWritten: number;
  error: string | null;
}
export interface Job {
  jobId: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  runId: string | null;
  error: { code: string; message: string } | null;
}
export interface LogLine {
  atMs: number;
  level: 'info' | 'warn' | 'error';
  message: string;
}
export interface Alert {
  id: string;
  rule: string;
  kind: string;
  subject: string;
  message: string;
  status: 'firing' | 'resolved';
  fired_at: string;
  resolved_at: string | null;
  resolution: string | null;
}
export interface Expectation {
  run_id: string;
  run_started_at: string;
  table: string;
  step_status: string;
  rule: string;
  column: string | null;
  policy: string;
  failing_rows: number;
}
export interface ResultColumn {
  name: string;
  type: string;
}
export interface Query {
  id: string;
  sql: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  started_at: string;
  elapsed_ms: number;
  columns: ResultColumn[] | null;
  row_count: number;
  bytes_scanned: number | null;
  message: string | null;
  error: { code: string; message: string } | null;
}
export interface HistoryEntry {
  id: string;
  sql: string;
  status: Query['status'];
  started_at: string;
  elapsed_ms: number | null;
  rows: number | null;
  bytes_scanned: number | null;
}
export interface LineageNode {
  table: string;
  children: LineageNode[];
}

/** Every table of every namespace, qualified as `ns.name`. */
export async function allTables(): Promise<TableRef[]> {
  const { namespaces } = await get<{ namespaces: { name: string }[] }>('/namespaces');
  const lists = await Promise.all(
    namespaces.map((n) => get<{ namespace: string; tables: { name: string; kind: TableRef['kind'] }[] }>(`/namespaces/${encodeURIComponent(n.name)}/tables`)),
  );
  return lists.flatMap((l) => l.tables.map((t) => ({ namespace: l.namespace, name: t.name, kind: t.kind })));
}

export interface TableSummary {
  namespace: string;
  name: string;
  rows: number;
  files: number;
  bytes: number;
  columns: ResultColumn[];
  last_updated_at: string;
  /** The layer its namespace is, whatever silt.yaml's `layers:` names it. */
  layer: 'bronze' | 'silver' | 'gold' | null;
  error: string | null;
}

/** Every Iceberg table with its figures and columns, in one request. */
export async function tableSummaries(signal?: AbortSignal): Promise<TableSummary[]> {
  return (await get<{ tables: TableSummary[] }>('/tables', signal)).tables;
}

export interface SavedQuery {
  name: string;
  sql: string;
  principal: string;
  updated_at: string;
}

export async function send<T>(method: 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  return answer<T>(await fetch(`/v1${path}`, { method, headers: authorized({ 'content-type': 'application/json' }), body: body === undefined ? undefined : JSON.stringify(body) }));
}

export interface TriggerStarted {
  jobId: string;
  status: Job['status'];
  runId: string | null;
  createdMs: number;
}
export interface TriggerStatus {
  schedules: { name: string; cron: string; timezone: string | null; asks: string; declaredAt: string; nextMs: number | null; lastFiredMs: number | null; last: TriggerStarted | null }[];
  sources: { source: string; landing: string; push: string; last: TriggerStarted | null }[];
}

/** Runs a statement through the query API as the signed-in principal and reads its rows (up to 1,000). */
export async function queryRows(sql: string, signal?: AbortSignal): Promise<{ columns: ResultColumn[]; rows: unknown[][] }> {
  const q = await post<Query>('/queries', { sql, wait_ms: 60_000 });
  if (q.status !== 'succeeded') throw new ApiError(400, q.error?.code ?? q.status, q.error?.message ?? `the query ${q.status}`);
  return get<{ columns: ResultColumn[]; rows: unknown[][] }>(`/queries/${encodeURIComponent(q.id)}/results?limit=1000`, signal);
}
