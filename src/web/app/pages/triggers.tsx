import { get, type TriggerStatus, type TriggerStarted } from '../api.js';
import { ago, when } from '../format.js';
import { Badge, Card, Empty, Head, href, Loaded, useData } from '../ui.js';

/** What a trigger last started: its job's state and a link to the run it made. */
function Last({ last }: { last: TriggerStarted | null }) {
  if (!last) return <span class="muted">nothing yet</span>;
  return (
    <span class="nowrap">
      <Badge status={last.status} /> {last.runId ? <a href={href('pipelines', last.runId)}>{last.runId}</a> : <code>{last.jobId}</code>}{' '}
      <span class="muted small" title={when(last.createdMs)}>
        {ago(last.createdMs)}
      </span>
    </span>
  );
}

/** What starts runs: silt.yaml's schedules with their next fire time, and each source's landing folder and push endpoint. */
export function TriggersPage() {
  const state = useData((s) => get<TriggerStatus>('/triggers', s));
  return (
    <>
      <h1 tabIndex={-1}>Schedules and triggers</h1>
      <Loaded state={state}>
        {({ schedules, sources }) => (
          <>
            <Card title="Schedules">
              {schedules.length === 0 ? (
                <Empty>silt.yaml declares no schedule (a schedules: section, or a source's schedule:).</Empty>
              ) : (
                  <table class="list stack schedules">
                    <Head cols={['Schedule', 'When', 'Asks for', 'Next', 'Last started']} />
                    <tbody>
                      {schedules.map((s) => (
                        <tr>
                          <td>
                            <strong>{s.name}</strong>
                            <div class="muted small">{s.declaredAt}</div>
                          </td>
                          <td data-label="When">
                            <code>{s.cron}</code>
                            {s.timezone && <span class="muted small"> {s.timezone}</span>}
                          </td>
                          <td data-label="Asks for">{s.asks}</td>
                          <td class="nowrap" data-label="Next">{when(s.nextMs)}</td>
                          <td data-label="Last started">
                            <Last last={s.last} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
              )}
            </Card>
            <Card title="File arrivals and pushes">
              <p class="muted small">A file landing in a source's folder starts a run of that source and what depends on it; records pushed to its endpoint land there as files.</p>
                <table class="list stack sources">
                  <Head cols={['Source', 'Landing folder', 'Push endpoint', 'Last started']} />
                  <tbody>
                    {sources.map((s) => (
                      <tr>
                        <td>
                          <strong>{s.source}</strong>
                        </td>
                        <td data-label="Landing folder">
                          <code>{s.landing}</code>
                        </td>
                        <td data-label="Push endpoint">
                          <code>POST {s.push}</code>
                        </td>
                        <td data-label="Last started">
                          <Last last={s.last} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
            </Card>
          </>
        )}
      </Loaded>
    </>
  );
}
