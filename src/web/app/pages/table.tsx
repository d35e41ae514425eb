import type { ComponentType } from 'preact';
import { get, queryRows, tableSummaries, type Partition, type SchemaVersion, type Snapshot, type TableInfo } from '../api.js';
import { columnHistograms, quoteName } from './column-histograms.js';
import { Histogram } from './histogram.js';
import { TableExpectations } from './expectation-rules.js';
import { ago, bytes, cell, num, when } from '../format.js';
import { Lazy } from '../lazy.js';
import { Card, Empty, Grid, Head, href, Loaded, Stats, useData } from '../ui.js';

const TABS: [string, string][] = [
  ['schema', 'Schema'],
  ['snapshots', 'Snapshots'],
  ['sample', 'Sample rows'],
  ['partitions', 'Partitions'],
  ['profile', 'Column profile'],
  ['quality', 'Expectations'],
  ['lineage', 'Lineage'],
];

const sqlHref = (sql: string) => `#/sql?q=${encodeURIComponent(sql)}`;

function Schema({ base }: { base: string }) {
  const state = useData((s) => get<{ schemas: SchemaVersion[] }>(`${base}/schema-history`, s), [base]);
  return (
    <Loaded state={state}>
      {({ schemas }) => {
        const current = schemas.find((v) => v.current) ?? schemas[schemas.length - 1];
        return (
          <>
            <Card title={`Columns (schema ${current?.schema_id ?? '—'})`}>
              <table class="list">
                <Head cols={['#', 'Column', 'Type', 'Required']} />
                <tbody>
                  {current?.columns.map((c) => (
                    <tr>
                      <td class="muted">{c.id}</td>
                      <td>
                        <code>{c.name}</code>
                        {c.doc && <div class="muted small">{c.doc}</div>}
                      </td>
                      <td>
                        <code>{c.type}</code>
                      </td>
                      <td>{c.required ? 'yes' : ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Card>
            <Card title="Schema history">
              <ol class="timeline">
                {schemas.map((v) => (
                  <li>
                    <strong>schema {v.schema_id}</strong> {v.current && <span class="badge badge-succeeded">current</span>}
                    <div class="small">
                      {v.added.length ? `added ${v.added.join(', ')}` : ''}
                      {v.dropped.length ? `; dropped ${v.dropped.join(', ')}` : ''}
                      {v.changed.length ? `; changed ${v.changed.map((c) => `${c.from.name} ${c.from.type} → ${c.to.type}`).join(', ')}` : ''}
                    </div>
                  </li>
                ))}
              </ol>
            </Card>
          </>
        );
      }}
    </Loaded>
  );
}

function Snapshots({ base, qualified }: { base: string; qualified: string }) {
  const state = useData((s) => get<{ snapshots: Snapshot[] }>(`${base}/snapshots`, s), [base]);
  return (
    <Loaded state={state}>
      {({ snapshots }) =>
        snapshots.length === 0 ? (
          <Empty>No snapshots: nothing has been committed to this table.</Empty>
        ) : (
          <Card title={`Snapshots (${snapshots.length})`}>
            <ol class="timeline">
              {[...snapshots].reverse().map((s) => (
                <li class={s.current ? 'current' : ''}>
                  <div>
                    <strong>{s.operation}</strong> <span title={when(s.committed_at)}>{ago(s.committed_at)}</span>{' '}
                    {s.current && <span class="badge badge-succeeded">current</span>}
                  </div>
                  <div class="small muted">
                    <code>{s.snapshot_id}</code> · {when(s.committed_at)}
                  </div>
                  <div class="small">
                    {s.summary['added-records'] && <>+{num(Number(s.summary['added-records']))} rows </>}
                    {s.summary['deleted-records'] && <>−{num(Number(s.summary['deleted-records']))} rows </>}
                    {s.summary['total-records'] && <>· {num(Number(s.summary['total-records']))} in all</>}
                  </div>
                  <a class="button small" href={sqlHref(`SELECT * FROM ${qualified} FOR VERSION AS OF ${s.snapshot_id} LIMIT 100`)}>
                    Query as of this snapshot
                  </a>
                </li>
              ))}
            </ol>
          </Card>
        )
      }
    </Loaded>
  );
}

function Sample({ base }: { base: string }) {
  const state = useData((s) => get<{ columns: { name: string; type: string }[]; rows: unknown[][] }>(`${base}/sample?limit=50`, s), [base]);
  return <Loaded state={state}>{(d) => (d.rows.length ? <Grid columns={d.columns} rows={d.rows} label="Sample rows" /> : <Empty>The table is empty.</Empty>)}</Loaded>;
}

function Partitions({ base }: { base: string }) {
  const state = useData((s) => get<{ partitions: Partition[] }>(`${base}/partitions`, s), [base]);
  return (
    <Loaded state={state}>
      {({ partitions }) =>
        partitions.length === 0 ? (
          <Empty>No partitions: the table is unpartitioned or empty.</Empty>
        ) : (
          <table class="list">
            <Head cols={['Partition', 'Files', 'Rows', 'Size']} num={['Files', 'Rows', 'Size']} />
            <tbody>
              {partitions.map((p) => (
                <tr>
                  <td>
                    <code>{Object.entries(p.values).map(([k, v]) => `${k}=${v}`).join(', ') || '(unpartitioned)'}</code>
                  </td>
                  <td class="num">{num(p.files)}</td>
                  <td class="num">{num(p.rows)}</td>
                  <td class="num">{bytes(p.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      }
    </Loaded>
  );
}

const quoted = (qualified: string) => qualified.split('.').map(quoteName).join('.');

/** Each column's nulls, distinct values, min, max and mean: DuckDB's SUMMARIZE, run through the query API as the user. */
async function profile(qualified: string, signal: AbortSignal) {
  const r = await queryRows(`SUMMARIZE ${quoted(qualified)}`, signal);
  const at = (name: string) => r.columns.findIndex((c) => c.name === name);
  const pick = (row: unknown[], name: string) => (at(name) >= 0 ? row[at(name)] : null);
  return r.rows.map((row) => ({
    column: String(pick(row, 'column_name')),
    type: String(pick(row, 'column_type')),
    nulls: pick(row, 'null_percentage'),
    distinct: pick(row, 'approx_unique'),
    min: pick(row, 'min'),
    max: pick(row, 'max'),
    avg: pick(row, 'avg'),
  }));
}

/** A cell of at most 28 characters; the whole value on hover. */
function Clipped({ value }: { value: unknown }) {
  const text = value == null ? '—' : cell(value);
  return <td title={text.length > 28 ? text : undefined}>{text.length > 28 ? `${text.slice(0, 27)}…` : text}</td>;
}

function Profile({ qualified }: { qualified: string }) {
  const state = useData((s) => profile(qualified, s), [qualified]);
  const cols = state.data;
  const shapes = useData(
    (s) => (cols ? columnHistograms(quoted(qualified), cols.map((c) => ({ column: c.column, type: c.type, hasValues: c.min != null })), s) : Promise.resolve(undefined)),
    [cols],
  );
  return (
    <Loaded state={state}>
      {(cols) => (
        <Card title="Column profile">
          <div class="scroll-x" tabIndex={0} role="region" aria-label="Column profile">
          <table class="list">
            <Head cols={['Column', 'Type', 'Nulls', 'Distinct (approx.)', 'Distribution', 'Min', 'Max', 'Mean']} num={['Nulls', 'Distinct (approx.)']} />
            <tbody>
              {cols.map((c, i) => (
                <tr>
                  <td>
                    <code>{c.column}</code>
                  </td>
                  <td>
                    <code>{c.type}</code>
                  </td>
                  <td class="num">{c.nulls == null ? '—' : `${c.nulls} %`}</td>
                  <td class="num">{num(Number(c.distinct))}</td>
                  <td class="distribution">
                    {shapes.error ? <span class="muted" title={shapes.error.message}>unavailable</span> : shapes.data ? <Histogram column={c.column} d={shapes.data.get(i)} /> : <span class="muted">…</span>}
                  </td>
                  <Clipped value={c.min} />
                  <Clipped value={c.max} />
                  <Clipped value={c.avg} />
                </tr>
              ))}
            </tbody>
          </table>
          </div>
        </Card>
      )}
    </Loaded>
  );
}

const LineageGraph = (props: { table: string }) => (
  <Lazy load={() => import('./lineage.js').then((m) => m.LineageGraph as ComponentType<{ table: string }>)} props={props} />
);

/** One table: its figures, then schema, snapshots (with time travel), sample rows, partitions and lineage as tabs. */
export function TablePage({ ns, table, tab }: { ns: string; table: string; tab: string }) {
  const base = `/tables/${encodeURIComponent(ns)}/${encodeURIComponent(table)}`;
  const qualified = `${ns}.${table}`;
  const info = useData((s) => get<TableInfo>(base, s), [base]);
  const layer = useData(async (s) => (await tableSummaries(s)).find((t) => t.namespace === ns && t.name === table)?.layer ?? null, [base]);
  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="#/catalog">Catalog</a> / <a href={`#/catalog?q=${encodeURIComponent(`${ns}.`)}`}>{ns}</a> /
      </nav>
      <h1 tabIndex={-1}>{qualified}</h1>
      <Loaded state={info}>
        {(t) => (
          <>
            <Stats
              items={[
                ['rows', num(t.rows)],
                ['files', num(t.files)],
                ['size', bytes(t.bytes)],
                ['columns', num(t.columns.length)],
                ['partitioned by', t.partition_spec.length ? t.partition_spec.map((p) => `${p.transform}(${p.source})`).join(', ') : 'nothing'],
                ['updated', <span title={when(t.last_updated_at)}>{ago(t.last_updated_at)}</span>],
              ]}
            />
            <div class="toolbar">
              <a class="button" href={sqlHref(`SELECT * FROM ${qualified} LIMIT 100`)}>
                Query in SQL
              </a>
              {layer.data === 'silver' && (
                <a class="button" href={href('quality', ns, table)}>
                  Quality &amp; quarantine
                </a>
              )}
            </div>
          </>
        )}
      </Loaded>
      <div class="tabs" role="tablist" aria-label="Table details">
        {TABS.map(([k, label]) => (
          <a role="tab" aria-selected={tab === k} href={`${href('catalog', ns, table)}?tab=${k}`}>
            {label}
          </a>
        ))}
      </div>
      <div role="tabpanel" class="tabpanel">
        {tab === 'schema' && <Schema base={base} />}
        {tab === 'snapshots' && <Snapshots base={base} qualified={qualified} />}
        {tab === 'sample' && <Sample base={base} />}
        {tab === 'partitions' && <Partitions base={base} />}
        {tab === 'profile' && <Profile qualified={qualified} />}
        {tab === 'quality' && <TableExpectations qualified={qualified} />}
        {tab === 'lineage' && <LineageGraph table={qualified} />}
      </div>
    </>
  );
}
