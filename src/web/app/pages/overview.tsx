import { get, tableSummaries, type Alert, type Run } from '../api.js';
import { ago, bytes, duration, num } from '../format.js';
import { Badge, Card, Empty, Head, href, Loaded, Stats, useData } from '../ui.js';

const LAYERS = ['bronze', 'silver', 'gold'] as const;

async function loadOverview(signal: AbortSignal) {
  const [tables, runs, alerts] = await Promise.all([
    tableSummaries(signal),
    get<{ runs: Run[] }>('/runs?limit=6', signal),
    get<{ alerts: Alert[] }>('/alerts', signal),
  ]);
  return { tables, runs: runs.runs, alerts: alerts.alerts };
}

/** The lakehouse at a glance: each layer's tables, rows and storage; recent runs; what is firing; how fresh gold is. */
export function OverviewPage() {
  const state = useData(loadOverview);
  return (
    <>
      <h1 tabIndex={-1}>Overview</h1>
      <Loaded state={state}>
        {({ tables, runs, alerts }) => {
          // A layer's namespace is what silt.yaml's `layers:` calls it; one with no table yet shows under its role's name.
          const roleOf = (ns: string) => tables.find((t) => t.namespace === ns)?.layer ?? ns;
          const namespaces = [...new Set([...LAYERS.map((l) => tables.find((t) => t.layer === l)?.namespace ?? l), ...tables.map((t) => t.namespace)])];
          const stale = alerts.filter((a) => a.kind === 'stale');
          const gold = tables.filter((t) => t.layer === 'gold').sort((a, b) => a.last_updated_at.localeCompare(b.last_updated_at));
          return (
            <>
              <div class="layers">
                {namespaces.map((ns) => {
                  const ts = tables.filter((t) => t.namespace === ns);
                  return (
                    <a class={`layer layer-${roleOf(ns)}`} href={`#/catalog?q=${encodeURIComponent(`${ns}.`)}`}>
                      <h2>{ns}</h2>
                      <Stats
                        items={[
                          ['tables', num(ts.length)],
                          ['rows', num(ts.reduce((s, t) => s + t.rows, 0))],
                          ['storage', bytes(ts.reduce((s, t) => s + t.bytes, 0))],
                        ]}
                      />
                    </a>
                  );
                })}
              </div>
              <div class="columns">
                <Card title="Latest runs" actions={<a href="#/pipelines">All runs</a>}>
                  {runs.length === 0 ? (
                    <Empty>No runs yet. Start one from Pipelines.</Empty>
                  ) : (
                    <table class="list">
                      <Head cols={['Run', 'Status', 'Started', 'Took']} />
                      <tbody>
                        {runs.map((r) => (
                          <tr>
                            <td>
                              <a href={href('pipelines', r.runId)}>{r.runId}</a>
                              <div class="muted small">{r.trigger}</div>
                            </td>
                            <td>
                              <Badge status={r.status} />
                            </td>
                            <td class="nowrap">{ago(r.startedMs)}</td>
                            <td class="nowrap">{r.finishedMs ? duration(r.finishedMs - r.startedMs) : '…'}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                </Card>
                <Card title={`Firing alerts (${alerts.length})`} actions={<a href="#/alerts">History</a>}>
                  {alerts.length === 0 ? (
                    <Empty>Nothing is firing.</Empty>
                  ) : (
                    <ul class="alerts">
                      {alerts.map((a) => (
                        <li>
                          <Badge status="firing" /> <strong>{a.rule}</strong> <span class="muted">{a.subject}</span>
                          <div>{a.message}</div>
                        </li>
                      ))}
                    </ul>
                  )}
                  <h3>Stale tables</h3>
                  {stale.length === 0 ? (
                    <Empty>No table is past its staleness limit.</Empty>
                  ) : (
                    <ul class="alerts">
                      {stale.map((a) => (
                        <li>
                          <a href={href('catalog', ...a.subject.split('.'))}>{a.subject}</a> <span class="muted small">stale since {ago(a.fired_at)}</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </Card>
              </div>
              <Card title="Freshness of gold">
                {gold.length === 0 ? (
                  <Empty>No gold tables yet: the pipeline has not built its models.</Empty>
                ) : (
                  <table class="list">
                    <Head cols={['Table', 'Last updated', 'Rows', 'Size']} num={['Rows', 'Size']} />
                    <tbody>
                      {gold.map((t) => (
                        <tr>
                          <td>
                            <a href={href('catalog', t.namespace, t.name)}>
                              {t.namespace}.{t.name}
                            </a>
                          </td>
                          <td class="nowrap" title={t.last_updated_at}>
                            {ago(t.last_updated_at)} {stale.some((a) => a.subject === `${t.namespace}.${t.name}`) && <Badge status="stale" />}
                          </td>
                          <td class="num">{num(t.rows)}</td>
                          <td class="num">{bytes(t.bytes)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </Card>
            </>
          );
        }}
      </Loaded>
    </>
  );
}
