import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AlertDelivery, AlertRecord, Catalog } from '../catalog/index.js';
import type { ProjectConfig } from '../config/index.js';
import type { RunFacts } from '../observe/index.js';
import { alertsConfig, channelsOf, type AlertChannel, type AlertsConfig } from './alerts-config.js';
import { send, type AlertNotice } from './channels.js';
import { findings } from './findings.js';

/** What evaluateAlerts reads and records: the project's config and catalog. */
export interface AlertProject {
  readonly config: ProjectConfig;
  readonly catalog: Catalog;
}

export interface AlertOutcome {
  fired: AlertRecord[];
  resolved: AlertRecord[];
  /** Per channel and event: delivered, or failed after every retry (recorded either way). */
  deliveries: (AlertDelivery & { alertId: string })[];
}

/**
 * Judges every rule of silt.yaml's `alerts:` now (after `run`, if given), fires what newly holds,
 * resolves what has cleared, and delivers each change once to the rule's channels. An alert that
 * already fires is not sent again. Delivery is retried with backoff and its outcome recorded;
 * nothing here fails the run (a config error, say, is thrown only by the config's own check).
 */
export async function evaluateAlerts(project: AlertProject, input: { run?: RunFacts; now?: number } = {}): Promise<AlertOutcome> {
  const outcome: AlertOutcome = { fired: [], resolved: [], deliveries: [] };
  const config = alertsConfig(project.config);
  if (!config || Object.keys(config.rules).length === 0) return outcome;
  const now = input.now ?? Date.now();
  const log = project.catalog.alertLog;
  const notices: AlertNotice[] = [];
  for (const f of await findings(config, project.catalog, { now, ...(input.run ? { run: input.run } : {}) })) {
    if (f.firing) {
      const alert = { alertId: randomUUID(), rule: f.rule, kind: f.kind, subject: f.subject, message: f.message, firedMs: now };
      if (!(await log.fire(alert))) continue;
      const record = { ...alert, resolvedMs: null, resolution: null, deliveries: [] };
      outcome.fired.push(record);
      notices.push({ event: 'fired', project: project.config.name, alert: record });
    } else {
      const record = await log.resolve(f.rule, f.subject, now, f.message);
      if (!record) continue;
      outcome.resolved.push(record);
      notices.push({ event: 'resolved', project: project.config.name, alert: record });
    }
  }
  const sends = notices.flatMap((n) => channelsOf(config, n.alert.rule).map(([name, channel]) => deliver(config, log, name, channel, n)));
  outcome.deliveries = await Promise.all(sends);
  return outcome;
}

async function deliver(config: AlertsConfig, log: Catalog['alertLog'], name: string, channel: AlertChannel, notice: AlertNotice): Promise<AlertDelivery & { alertId: string }> {
  const { attempts, backoff } = config.retry;
  let lastError: string | null = null;
  let tried = 0;
  for (; tried < attempts; ) {
    tried += 1;
    try {
      await send(channel, notice);
      lastError = null;
      break;
    } catch (e) {
      lastError = describe(e);
      if (tried < attempts) await sleep(backoff * 2 ** (tried - 1));
    }
  }
  const d: AlertDelivery = { event: notice.event, channel: name, status: lastError === null ? 'delivered' : 'failed', attempts: tried, lastError, atMs: Date.now() };
  // A catalog that cannot record it is no reason to fail the caller either.
  await log.recordDelivery(notice.alert.alertId, d).catch(() => undefined);
  return { ...d, alertId: notice.alert.alertId };
}

/** fetch says only "fetch failed"; the cause says what (connection refused, a timeout). */
function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? `: ${(e.cause as NodeJS.ErrnoException).code ?? ''} ${e.cause.message}`.replace(/ +/g, ' ') : '';
  return `${e.message}${cause}`;
}
