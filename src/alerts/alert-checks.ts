import { alertsConfig } from './alerts-config.js';
import { evaluateAlerts, type AlertOutcome, type AlertProject } from './evaluate.js';

/**
 * Evaluates the alerts every `check_every` (staleness fires between runs too) until stopped.
 * Checks never overlap; an error goes to `onError` and the next check runs as planned.
 */
export function startAlertChecks(project: AlertProject, opts: { onError?: (e: unknown) => void; onChecked?: (o: AlertOutcome) => void } = {}): { stop(): Promise<void> } {
  const config = alertsConfig(project.config);
  if (!config || Object.keys(config.rules).length === 0) return { stop: async () => undefined };
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = evaluateAlerts(project)
      .then((o) => opts.onChecked?.(o), (e) => opts.onError?.(e))
      .finally(() => (running = undefined));
  }, config.check_every);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
