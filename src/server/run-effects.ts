import { evaluateAlerts } from '../alerts/index.js';
import { runWithLineage } from '../lineage/index.js';
import { logRunEnd, logStepEnd, recordRun, runLogger, type Logger } from '../observe/index.js';
import type { RunOptions, RunResult } from '../pipeline/index.js';
import type { Project } from '../project/index.js';

/**
 * A pipeline run as the server makes it: with its OpenLineage events, a JSON log line per step
 * and per run, the run's metrics, and then the alert rules judged on it. None of these can fail
 * the run: lineage and alert delivery only warn, and an alert rule that cannot be judged is logged.
 */
export function runWithEffects(log: Logger): (project: Project, opts: RunOptions) => Promise<RunResult> {
  return async (project, opts) => {
    const result = await runWithLineage(project, {
      ...opts,
      onWarning: (message) => log.warn(message),
      onStep: (step, runId) => {
        opts.onStep?.(step, runId);
        logStepEnd(runLogger(log, runId), step);
      },
    });
    recordRun(result);
    logRunEnd(runLogger(log, result.runId), result);
    await evaluateAlerts(project, { run: result }).catch((e: unknown) =>
      runLogger(log, result.runId).error({ err: e instanceof Error ? e.message : String(e) }, 'alerts: the rules could not be judged after this run'),
    );
    return result;
  };
}
