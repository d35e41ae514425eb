import { get, type Alert } from '../api.js';
import { ago, when } from '../format.js';
import { Badge, Card, Empty, Head, Loaded, useData } from '../ui.js';

function AlertTable({ alerts }: { alerts: Alert[] }) {
  return (
    <table class="list">
      <Head cols={['Status', 'Rule', 'Subject', 'Message', 'Fired', 'Resolved']} />
      <tbody>
        {alerts.map((a) => (
          <tr>
            <td>
              <Badge status={a.status} />
            </td>
            <td>
              {a.rule}
              <div class="muted small">{a.kind}</div>
            </td>
            <td>{a.subject}</td>
            <td>{a.message}</td>
            <td class="nowrap" title={when(a.fired_at)}>
              {ago(a.fired_at)}
            </td>
            <td class="nowrap" title={a.resolution ?? ''}>
              {a.resolved_at ? ago(a.resolved_at) : '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Alerts firing now, and every alert that fired and resolved before. */
export function AlertsPage() {
  const state = useData((s) => Promise.all([get<{ alerts: Alert[] }>('/alerts', s), get<{ alerts: Alert[]; total: number }>('/alerts/history?limit=100', s)]));
  return (
    <>
      <h1 tabIndex={-1}>Alerts</h1>
      <Loaded state={state}>
        {([firing, history]) => (
          <>
            <Card title={`Firing (${firing.alerts.length})`}>{firing.alerts.length ? <AlertTable alerts={firing.alerts} /> : <Empty>Nothing is firing.</Empty>}</Card>
            <Card title={`History (${history.total})`}>
              {history.alerts.length ? (
                <AlertTable alerts={history.alerts} />
              ) : (
                <Empty>
                  No alert has fired. Rules are declared under <code>alerts:</code> in silt.yaml (run failed, expectations, stale, row count).
                </Empty>
              )}
            </Card>
          </>
        )}
      </Loaded>
    </>
  );
}
