import { useEffect, useState } from 'preact/hooks';
import { get, post, type Job, type LogLine, type Run, type Step } from '../api.js';
import { ago, bytes, duration, num, when } from '../format.js';
import { Badge, Card, Empty, ErrorBox, Head, href, Loaded, Stats, useData } from '../ui.js';

const ENDED = new Set(['succeeded', 'failed', 'cancelled']);

/** Calls `fn` every `ms` while `on`. */
function useEvery(on: boolean, ms: number, fn: () => void) {
  useEffect(() => {
    if (!on) return;
    const t = setInterval(fn, ms);
    return () => clearInterval(t);
  }, [on, ms]);
}

function Logs({ runId, step }: { runId: string; step: string }) {
  const state = useData((s) => get<{ lines: LogLine[] }>(`/runs/${encodeURIComponent(runId)}/steps/${encodeURIComponent(step)}/logs`, s), [runId, step]);
  return (
    <Loaded state={state}>
      {({ lines }) =>
        lines.length ? (
          <pre class="logs" tabIndex={0} aria-label={`Log of ${step}`}>
            {lines.map((l) => (
              <div class={`log-${l.level}`}>
                {new Date(l.atMs).toISOString().slice(11, 23)} {l.level.padEnd(5)} {l.message}
              </div>
            ))}
          </pre>
        ) : (
          <Empty>This step logged nothing.</Empty>
        )
      }
    </Loaded>
  );
}

/** A step's rows: what came in is what was written, quarantined or deduplicated away. */
function reconciles(s: Step) {
  return s.rowsIn === s.rowsWritten + s.rowsQuarantined + s.rowsDeduplicated;
}

function RunDetail({ runId, onEnded, onRetried }: { runId: string; onEnded: () => void; onRetried: (job: Job) => void }) {
  const state = useData((s) => get<{ run: Run; steps: Step[]; job: Job | null }>(`/runs/${encodeURIComponent(runId)}`, s), [runId]);
  const [open, setOpen] = useState<string | null>(null);
  const [actionError, setActionError] = useState<Error | null>(null);
  const running = !!state.data && !ENDED.has(state.data.run.status);
  useEvery(running, 1000, state.reload);
  useEffect(() => {
    if (state.data && ENDED.has(state.data.run.status)) onEnded();
  }, [state.data?.run.status]);
  return (
    <Loaded state={state}>
      {({ run, steps }) => {
        const start = run.startedMs;
        const end = Math.max(run.finishedMs ?? Date.now(), ...steps.map((s) => s.finishedMs ?? Date.now()));
        const span = Math.max(1, end - start);
        return (
          <>
            <Card
              title={<>Run {run.runId}</>}
              actions={
                <>
                  {run.status === 'failed' && (
                    <button onClick={() => post<{ job: Job }>(`/runs/${encodeURIComponent(run.runId)}/retry`).then((r) => onRetried(r.job), setActionError)}>Retry run</button>
                  )}
                  {!ENDED.has(run.status) && (
                    <button onClick={() => post(`/runs/${encodeURIComponent(run.runId)}/cancel`).then(state.reload, setActionError)}>Cancel run</button>
                  )}
                  <Badge status={run.status} />
                </>
              }
            >
              <Stats
                items={[
                  ['trigger', run.trigger],
                  ['started', <span title={when(run.startedMs)}>{ago(run.startedMs)}</span>],
                  ['took', run.finishedMs ? duration(run.finishedMs - run.startedMs) : 'running…'],
                  ['steps', num(steps.length)],
                  ['rows written', num(steps.reduce((n, s) => n + s.rowsWritten, 0))],
                ]}
              />
              {run.error && <ErrorBox error={run.error} />}
              {actionError && <ErrorBox error={actionError} />}
            </Card>
            <Card title="Steps">
              {steps.length === 0 ? (
                <Empty>No step has started yet.</Empty>
              ) : (
                <div class="steps" role="list">
                  {steps.map((s) => {
                    const left = ((s.startedMs - start) / span) * 100;
                    const width = Math.max(0.6, (((s.finishedMs ?? Date.now()) - s.startedMs) / span) * 100);
                    return (
                      <div class="step" role="listitem">
                        <button class="step-name" aria-expanded={open === s.step} onClick={() => setOpen(open === s.step ? null : s.step)} title="Show this step's log">
                          {s.step}
                        </button>
                        <div class="bar-track" aria-hidden="true">
                          <div class={`bar bar-${s.status}`} style={{ left: `${left}%`, width: `${width}%` }} />
                        </div>
                        <span class="step-time">{s.finishedMs ? duration(s.finishedMs - s.startedMs) : '…'}</span>
                        {s.rowsIn == null ? (
                          <span class="recon muted">no rows counted: the step {s.status === 'failed' ? 'failed and committed nothing' : 'did not run'}</span>
                        ) : (
                          <span class={`recon ${reconciles(s) ? '' : 'recon-off'}`} title="rows in = written + quarantined + deduplicated">
                            {num(s.rowsIn)} in → {num(s.rowsWritten)} written
                            {s.rowsQuarantined ? `, ${num(s.rowsQuarantined)} quarantined` : ''}
                            {s.rowsDeduplicated ? `, ${num(s.rowsDeduplicated)} deduplicated` : ''}
                            {reconciles(s) ? ' ✓' : ' (does not add up)'} · {bytes(s.bytesWritten)}
                          </span>
                        )}
                        {s.error && <ErrorBox error={s.error} />}
                        {open === s.step && (
                          <div class="step-logs">
                            <Logs runId={run.runId} step={s.step} />
                          </div>
                        )}
                      </div>
                    );
                  })}
                </div>
              )}
            </Card>
          </>
        );
      }}
    </Loaded>
  );
}

interface LandingFile {
  source: string | null;
  path: string;
  size: number;
  status: string;
  detail: string;
}

/** The landing zone: each file and what became of it. */
function Landing() {
  const state = useData((s) => get<{ files: LandingFile[]; counts: Record<string, number> }>('/landing', s));
  return (
    <Card title="Landing zone">
      <Loaded state={state}>
        {({ files, counts }) => (
          <>
            <p class="muted small">{Object.entries(counts).filter(([, n]) => n).map(([k, n]) => `${num(n)} ${k}`).join(' · ') || 'No files have landed.'}</p>
            {files.length > 0 && (
              <table class="list">
                <Head cols={['File', 'Source', 'Size', 'Status', 'What became of it']} num={['Size']} />
                <tbody>
                  {files.map((f) => (
                    <tr>
                      <td>
                        <code>{f.path}</code>
                      </td>
                      <td>{f.source ?? '—'}</td>
                      <td class="num">{bytes(f.size)}</td>
                      <td>
                        <Badge status={f.status} />
                      </td>
                      <td>{f.detail}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </Loaded>
    </Card>
  );
}

/** Pipeline runs: the list, one run's steps as a timeline with row reconciliation and logs, and a button that starts a run. */
export function PipelinesPage({ runId }: { runId?: string }) {
  const runs = useData((s) => get<{ runs: Run[] }>('/runs?limit=50', s));
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const waiting = !!job && !job.runId && !ENDED.has(job.status);
  // With no run picked, the latest one.
  const shown = runId ?? runs.data?.runs[0]?.runId;
  useEvery(waiting, 500, () => {
    if (job) get<Job>(`/jobs/${encodeURIComponent(job.jobId)}`).then(setJob, setError);
  });
  useEffect(() => {
    if (job?.runId) {
      runs.reload();
      location.hash = href('pipelines', job.runId);
      setJob(null);
    }
  }, [job?.runId]);
  const trigger = async () => {
    setError(null);
    try {
      const r = await post<{ job: Job }>('/runs', { trigger: 'http', reason: 'started from the console' });
      setJob(r.job);
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <>
      <h1 tabIndex={-1}>Pipelines</h1>
      <div class="toolbar">
        <button class="primary" onClick={trigger} disabled={waiting}>
          {waiting ? 'Run queued…' : 'Run the pipeline'}
        </button>
        <a href={href('triggers')}>Schedules and triggers</a>
        {job?.status === 'failed' && <ErrorBox error={job.error?.message ?? 'the run failed to start'} />}
        {error && <ErrorBox error={error} />}
      </div>
      <div class="split">
        <Card title="Runs" class="runs">
          <Loaded state={runs}>
            {(d) =>
              d.runs.length === 0 ? (
                <Empty>No runs yet.</Empty>
              ) : (
                <ul class="run-list">
                  {d.runs.map((r) => (
                    <li>
                      <a href={href('pipelines', r.runId)} aria-current={r.runId === shown ? 'true' : undefined}>
                        <Badge status={r.status} /> <span class="run-id">{r.runId}</span>
                        <span class="muted small">
                          {r.trigger} · {ago(r.startedMs)} · {r.finishedMs ? duration(r.finishedMs - r.startedMs) : 'running'}
                        </span>
                      </a>
                    </li>
                  ))}
                </ul>
              )
            }
          </Loaded>
        </Card>
        <div class="detail">{shown ? <RunDetail runId={shown} onEnded={runs.reload} onRetried={setJob} /> : <Empty>No run to show yet.</Empty>}</div>
      </div>
      <Landing />
    </>
  );
}
