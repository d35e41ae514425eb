import { useState } from 'preact/hooks';
import { allTables, get, post, tablePath, type Expectation } from '../api.js';
import { ago, num } from '../format.js';
import { Badge, Card, Empty, ErrorBox, Grid, Head, href, Loaded, Pager, useData } from '../ui.js';

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

/** A rule as written in silt.yaml: `not_null(amount)`; silver's results name the rule and its column apart. */
const ruleName = (r: Expectation) => (r.rule.includes('(') || !r.column ? r.rule : `${r.rule}(${r.column})`);

/** Each table's rules: the latest result, and a pass/fail square per run, oldest left. */
function Rules({ results }: { results: Expectation[] }) {
  const tables = [...new Set(results.map((r) => r.table))].sort();
  if (!tables.length) return <Empty>No expectations have run yet.</Empty>;
  return (
    <>
      {tables.map((t) => {
        const mine = results.filter((r) => r.table === t);
        const rules = [...new Set(mine.map(ruleName))];
        return (
          <Card title={t} actions={t.startsWith('silver.') && <a href={href('quality', ...t.split('.'))}>Quarantine</a>}>
            <table class="list">
              <Head cols={['Rule', 'Policy', 'Latest', 'Failing rows', 'Trend']} num={['Failing rows']} />
              <tbody>
                {rules.map((rule) => {
                  const runs = mine.filter((r) => ruleName(r) === rule);
                  const latest = runs[0]!;
                  return (
                    <tr>
                      <td>
                        <code>{rule}</code>
                      </td>
                      <td>{latest.policy}</td>
                      <td class="nowrap">
                        <Badge status={latest.failing_rows ? 'failing' : 'passing'} /> <span class="muted small">{ago(latest.run_started_at)}</span>
                      </td>
                      <td class="num">{num(latest.failing_rows)}</td>
                      <td>
                        <span class="trend" aria-label={`${runs.filter((r) => !r.failing_rows).length} of ${runs.length} runs passed`}>
                          {[...runs].reverse().map((r) => (
                            <span class={r.failing_rows ? 'fail' : 'pass'} title={`${r.run_id}: ${r.failing_rows} failing`} />
                          ))}
                        </span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </Card>
        );
      })}
    </>
  );
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
  const tables = useData(() => allTables());
  const sources = (tables.data ?? []).filter((t) => (t.namespace === 'silver' && !t.name.endsWith('_quarantine')) || (t.namespace === 'bronze' && !t.name.endsWith('_rejects')));
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
