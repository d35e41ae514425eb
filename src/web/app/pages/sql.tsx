import type { SQLNamespace } from '@codemirror/lang-sql';
import type { EditorView } from '@codemirror/view';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, download, get, post, send, tableSummaries, type HistoryEntry, type Query, type SavedQuery } from '../api.js';
import { ago, bytes, duration, num } from '../format.js';
import { Badge, Card, Empty, ErrorBox, Grid, Loaded, Pager, useData } from '../ui.js';
import { Chart } from './chart.js';
import { createEditor } from './sql-editor.js';

const PAGE = 100;
const CHART_ROWS = 5000;
const ENDED = new Set(['succeeded', 'failed', 'cancelled']);

/** Namespaces → tables → columns, for the editor's autocomplete. */
async function catalogSchema(): Promise<SQLNamespace> {
  const schema: Record<string, Record<string, string[]>> = {};
  for (const t of await tableSummaries()) (schema[t.namespace] ??= {})[t.name] = t.columns.map((c) => c.name);
  return schema;
}

function Results({ query }: { query: Query }) {
  const [offset, setOffset] = useState(0);
  const [view, setView] = useState<'grid' | 'chart'>('grid');
  const base = `/queries/${encodeURIComponent(query.id)}/results`;
  const page = useData((s) => get<{ rows: unknown[][] }>(`${base}?limit=${PAGE}&offset=${offset}`, s), [query.id, offset]);
  const chartRows = useData((s) => (view === 'chart' ? get<{ rows: unknown[][] }>(`${base}?limit=${CHART_ROWS}`, s) : Promise.resolve(null)), [query.id, view]);
  const columns = query.columns ?? [];
  return (
    <Card
      title={`Result: ${num(query.row_count)} rows`}
      actions={
        <>
          <div class="segmented" role="group" aria-label="Show the result as">
            <button aria-pressed={view === 'grid'} onClick={() => setView('grid')}>
              Grid
            </button>
            <button aria-pressed={view === 'chart'} onClick={() => setView('chart')}>
              Chart
            </button>
          </div>
          <button onClick={() => void download(`/queries/${encodeURIComponent(query.id)}/download?format=csv`, `query-${query.id.slice(0, 8)}.csv`)}>
            Export CSV
          </button>
          <button onClick={() => void download(`/queries/${encodeURIComponent(query.id)}/download?format=parquet`, `query-${query.id.slice(0, 8)}.parquet`)}>
            Parquet
          </button>
        </>
      }
    >
      {view === 'grid' ? (
        <Loaded state={page}>
          {(d) => (
            <>
              <Grid columns={columns} rows={d.rows} label="Query result" />
              {query.row_count > PAGE && <Pager offset={offset} total={query.row_count} page={PAGE} onPage={setOffset} />}
            </>
          )}
        </Loaded>
      ) : (
        <Loaded state={chartRows}>
          {(d) => (
            <>
              {d && <Chart columns={columns} rows={d.rows} />}
              {query.row_count > CHART_ROWS && <p class="muted small">The chart shows the first {num(CHART_ROWS)} rows.</p>}
            </>
          )}
        </Loaded>
      )}
    </Card>
  );
}

function History({ tick, onPick }: { tick: number; onPick: (sql: string) => void }) {
  const state = useData((s) => get<{ queries: HistoryEntry[] }>('/queries?limit=30', s), [tick]);
  return (
    <Card title="History" class="history">
      <Loaded state={state}>
        {({ queries }) =>
          queries.length === 0 ? (
            <Empty>No queries yet.</Empty>
          ) : (
            <ul class="history-list">
              {queries.map((q) => (
                <li>
                  <button class="link" onClick={() => onPick(q.sql)} title="Put this statement in the editor">
                    <code>{q.sql.length > 120 ? `${q.sql.slice(0, 119)}…` : q.sql}</code>
                  </button>
                  <div class="muted small">
                    <Badge status={q.status} /> {ago(q.started_at)} · {duration(q.elapsed_ms)} · {q.rows == null ? '—' : `${num(q.rows)} rows`} · {bytes(q.bytes_scanned)} scanned
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </Card>
  );
}

/** Named statements: save the editor's under a name, pick one to put it back, forget one. */
function Saved({ tick, current, onPick }: { tick: number; current: () => string; onPick: (sql: string) => void }) {
  const [mine, setMine] = useState(0);
  const [name, setName] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const state = useData((s) => get<{ queries: SavedQuery[] }>('/saved-queries', s), [tick, mine]);
  const save = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await send('PUT', `/saved-queries/${encodeURIComponent(name.trim())}`, { sql: current() });
      setName('');
      setMine((n) => n + 1);
    } catch (err) {
      setError(err as Error);
    }
  };
  const forget = (n: string) => send('DELETE', `/saved-queries/${encodeURIComponent(n)}`).then(() => setMine((k) => k + 1), setError);
  return (
    <Card title="Saved queries">
      <form class="save-form" onSubmit={save}>
        <label>
          <span class="sr-only">Name to save the statement under</span>
          <input type="text" placeholder="Name" value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={200} />
        </label>
        <button type="submit" disabled={!name.trim()}>
          Save
        </button>
      </form>
      {error && <ErrorBox error={error} />}
      <Loaded state={state}>
        {({ queries }) =>
          queries.length === 0 ? (
            <Empty>None saved yet.</Empty>
          ) : (
            <ul class="saved-list">
              {queries.map((q) => (
                <li>
                  <button class="link" onClick={() => onPick(q.sql)} title={q.sql}>
                    {q.name}
                  </button>
                  <button class="forget" onClick={() => forget(q.name)} aria-label={`Forget ${q.name}`}>
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </Card>
  );
}

/** The SQL editor: write (with autocomplete from the catalog), run, cancel; the result as a paged grid or a chart; export; history. */
export function SqlPage() {
  const initial = new URLSearchParams(location.hash.split('?')[1] ?? '').get('q');
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<EditorView | null>(null);
  const [query, setQuery] = useState<Query | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [tick, setTick] = useState(0);
  const current = useRef<string | null>(null);

  const run = async () => {
    const text = editor.current?.state.doc.toString().trim();
    if (!text || current.current) return;
    setError(null);
    setQuery(null);
    setBusy(true);
    try {
      let q = await post<Query>('/queries', { sql: text, wait_ms: 500 });
      current.current = q.id;
      setQuery(q);
      while (!ENDED.has(q.status)) {
        await new Promise((r) => setTimeout(r, 300));
        q = await get<Query>(`/queries/${encodeURIComponent(q.id)}`);
        setQuery(q);
      }
      if (q.status === 'failed' && q.error) setError(new ApiError(400, q.error.code, q.error.message));
    } catch (e) {
      setError(e as Error);
    } finally {
      current.current = null;
      setBusy(false);
      setTick((t) => t + 1);
    }
  };
  const runRef = useRef(run);
  runRef.current = run;
  const cancel = () => {
    if (current.current) post(`/queries/${encodeURIComponent(current.current)}/cancel`).catch((e: Error) => setError(e));
  };

  useEffect(() => {
    let view: EditorView | null = null;
    let gone = false;
    const make = (schema: SQLNamespace) => {
      if (gone || !host.current) return;
      view = createEditor(host.current, picked.current ?? initial ?? 'SELECT order_date, revenue FROM gold.daily_sales ORDER BY order_date', schema, () => runRef.current());
      editor.current = view;
      if (initial) runRef.current();
    };
    catalogSchema().then(make, () => make({}));
    return () => {
      gone = true;
      view?.destroy();
    };
  }, []);

  // A statement picked before the editor exists (it waits for the catalog's names) is what it starts with.
  const picked = useRef<string | null>(null);
  const pick = (text: string) => {
    const v = editor.current;
    if (v) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } }), v.focus();
    else picked.current = text;
  };

  return (
    <>
      <h1 tabIndex={-1}>SQL</h1>
      <div class="sql-layout">
        <div class="sql-main">
          <Card>
            <div ref={host} class="editor" />
            <div class="toolbar">
              <button class="primary" onClick={run} disabled={busy} title="Ctrl+Enter">
                Run
              </button>
              <button onClick={cancel} disabled={!busy}>
                Cancel
              </button>
              {query && (
                <span class="query-status" role="status">
                  <Badge status={query.status} /> {duration(query.elapsed_ms)}
                  {query.bytes_scanned != null && <> · {bytes(query.bytes_scanned)} scanned</>}
                  {query.message && <> · {query.message}</>}
                </span>
              )}
            </div>
          </Card>
          {error && <ErrorBox error={error} />}
          {query?.status === 'succeeded' && query.columns && <Results query={query} key={query.id} />}
        </div>
        <div class="sql-side">
          <Saved tick={tick} current={() => editor.current?.state.doc.toString() ?? ''} onPick={pick} />
          <History tick={tick} onPick={pick} />
        </div>
      </div>
    </>
  );
}
