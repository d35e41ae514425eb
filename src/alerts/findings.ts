import type { Catalog } from '../catalog/index.js';
import { expectationsOf, tableCommitTimes, type RunFacts } from '../observe/index.js';
import type { AlertRule, AlertsConfig } from './alerts-config.js';
import { median, recentCommitRows } from './row-history.js';

/** One rule's verdict on one subject (the pipeline, a table, a table's expectation). */
export interface Finding {
  rule: string;
  kind: AlertRule['kind'];
  subject: string;
  firing: boolean;
  /** Why it fires, or how it stands now that it does not. */
  message: string;
}

export interface EvaluationInput {
  run?: RunFacts;
  now: number;
}

/**
 * What every rule says now. A subject a rule could not judge this time (no run to look at, a
 * table the run did not read rows for, a table without enough history) gives no finding, so its
 * alert stays as it was.
 */
export async function findings(config: AlertsConfig, catalog: Pick<Catalog, 'listTables' | 'loadTable'>, input: EvaluationInput): Promise<Finding[]> {
  const out: Finding[] = [];
  const commits = Object.values(config.rules).some((r) => r.kind === 'stale') ? await tableCommitTimes(catalog) : [];
  for (const [name, rule] of Object.entries(config.rules)) {
    const found = (subject: string, firing: boolean, message: string) => out.push({ rule: name, kind: rule.kind, subject, firing, message });
    switch (rule.kind) {
      case 'run_failed': {
        const run = input.run;
        if (!run) break;
        const failed = run.steps.filter((s) => s.status === 'failed');
        found(
          'pipeline',
          run.status === 'failed',
          run.status === 'failed'
            ? `run ${run.runId} failed: ${failed.map((s) => `${s.id}: ${s.error ?? 'failed'}`).join('; ') || 'see silt runs show'}`
            : `run ${run.runId} succeeded`,
        );
        break;
      }
      case 'expectations': {
        for (const step of input.run?.steps ?? []) {
          const rows = step.rowsIn || step.rowsWritten || 0;
          if (step.status !== 'succeeded' || rows === 0 || (rule.table && rule.table !== step.table)) continue;
          for (const x of expectationsOf(step)) {
            if (rule.rule && rule.rule !== x.rule) continue;
            const rate = x.failing_rows / rows;
            const what = `${step.table}: ${x.rule}${x.column ? ` on ${x.column}` : ''}`;
            found(what, rate > rule.above, `${what} failed on ${x.failing_rows} of ${rows} rows (${pct(rate)}) in run ${input.run!.runId}; the threshold is ${pct(rule.above)}`);
          }
        }
        break;
      }
      case 'stale': {
        const last = commits.find((c) => c.table === rule.table);
        if (!last) break;
        const age = input.now - last.lastCommitMs;
        found(
          rule.table,
          age > rule.after,
          `${rule.table} was last committed ${ago(age)} ago (${new Date(last.lastCommitMs).toISOString()}); its freshness SLA is ${ago(rule.after)}`,
        );
        break;
      }
      case 'row_count': {
        const [latest, ...before] = await recentCommitRows(catalog, rule.table, rule.history + 1);
        if (!latest || before.length < 3) break;
        const m = median(before.map((c) => c.rows));
        if (m === 0) break;
        const out = latest.rows > rule.factor * m || latest.rows < m / rule.factor;
        found(
          rule.table,
          out,
          `${rule.table}: commit ${latest.snapshotId} added ${latest.rows} rows; the median of the ${before.length} commits before it is ${m}` +
            (out ? `, and more than ${rule.factor}× off it` : ', within the bounds'),
        );
        break;
      }
    }
  }
  return out;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1).replace(/\.0$/, '')}%`;
}

/** `250ms`, `45s`, `20m`, `2h`, `1.5d`: the largest unit of which there is at least one. */
function ago(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  const [n, unit] = s < 60 ? [s, 's'] : s < 3600 ? [s / 60, 'm'] : s < 86_400 ? [s / 3600, 'h'] : [s / 86_400, 'd'];
  return `${n.toFixed(1).replace(/\.0$/, '')}${unit}`;
}
