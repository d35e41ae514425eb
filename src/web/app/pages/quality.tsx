import { useState } from 'preact/hooks';
import { get, post, tablePath, tableSummaries, type Expectation } from '../api.js';
import { Rules } from './expectation-rules.js';
import { num } from '../format.js';
import { Card, Empty, ErrorBox, Grid, href, Loaded, Pager, useData } from '../ui.js';

const PAGE = 50;

interface Quarantine {
  table: string;
  kind: 'silver' | 'bronze';
  total: number;
  columns: { name: string; type: string }[];
  rows: unknown[][];
}
interface Replay {
  run_id: string;
  rows_in: number;
  rows_written: number;
  rows_quarantined: number;
}

/** The rows a table set aside, with their reasons, searchable and paged; silver rows can be replayed through the contract. */
function QuarantineBrowser({ table }: { table: string }) {
  const [reason, setReason] = useState('');
  const [offset, setOffset] = useState(0);
  const [replay, setReplay] = useState<{ busy?: boolean; result?: Replay; error?: Error }>({});
  const q = `?limit=${PAGE}&offset=${offset}${reason ? `&reason=${encodeURIComponent(reason)}` : ''}`;
  const state = useData((s) => get<Quarantine>(`/quarantine/${tablePath(table)}${q}`, s), [table, q, replay.result]);
  const doReplay = async () => {
    setReplay({ busy: true });
    try {
      setReplay({ result: await post<Replay>(`/quarantine/${tablePath(table)}/replay`, {}) });
    } catch (e) {
      setReplay({ error: e as Error });
    }
  };
  return (
    <Card
      title={`Quarantine of ${table}`}
      actions={
        state.data?.kind === 'silver' && (
          <button class="primary" onClick={doReplay} disabled={replay.busy}>
            {replay.busy ? 'Replaying…' : 'Replay through the contract'}
          </button>
        )
      }
    >
      {replay.result && (
        <p class="notice" role="status">
          Replayed {num(replay.result.rows_in)} rows (run {replay.result.run_id}): {num(replay.result.rows_written)} written, {num(replay.result.rows_quarantined)} still
          quarantined.
        </p>
      )}
      {replay.error && <ErrorBox error={replay.error} />}
      <div class="toolbar">
        <label class="search">
          <span class="sr-only">Filter by reason</span>
          <input type="search" placeholder="Filter by reason, e.g. not found" value={reason} onInput={(e) => (setReason(e.currentTarget.value), setOffset(0))} />
        </label>
      </div>
      <Loaded state={state}>
        {(d) =>
          d.total === 0 ? (
            <Empty>{reason ? `No set-aside row's reason contains “${reason}”.` : 'Nothing set aside: every row passed.'}</Empty>
          ) : (
            <>
              <Grid columns={d.columns} rows={d.rows} label={`Quarantined rows of ${table}`} />
              <Pager offset={offset} total={d.total} page={PAGE} onPage={setOffset} />
            </>
          )
        }
      </Loaded>
    </Card>
  );
}

/** Data quality: the rules per table with their trend, and the quarantine browser. */
export function QualityPage({ table }: { table?: string }) {
  const results = useData((s) => get<{ results: Expectation[] }>('/quality/expectations?limit=2000', s));
  const tables = useData((s) => tableSummaries(s));
  const sources = (tables.data ?? []).filter((t) => (t.layer === 'silver' && !t.name.endsWith('_quarantine')) || (t.layer === 'bronze' && !t.name.endsWith('_rejects')));
  return (
    <>
      <h1 tabIndex={-1}>Data quality</h1>
      <div class="toolbar">
        <label>
          Quarantine of{' '}
          <select value={table ?? ''} onChange={(e) => (location.hash = e.currentTarget.value ? href('quality', ...e.currentTarget.value.split('.')) : '#/quality')}>
            <option value="">(pick a table)</option>
            {sources.map((t) => (
              <option value={`${t.namespace}.${t.name}`}>
                {t.namespace}.{t.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {table && <QuarantineBrowser table={table} key={table} />}
      <h2 class="section">Rules</h2>
      <Loaded state={results}>{(d) => <Rules results={d.results} />}</Loaded>
    </>
  );
}
