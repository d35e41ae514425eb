import type { Kysely } from 'kysely';
import type { MetadataDb } from './db.js';

export type AlertEvent = 'fired' | 'resolved';

export interface AlertDelivery {
  event: AlertEvent;
  channel: string;
  status: 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
  atMs: number;
}

export interface AlertRecord {
  alertId: string;
  rule: string;
  kind: string;
  subject: string;
  message: string;
  firedMs: number;
  resolvedMs: number | null;
  resolution: string | null;
  deliveries: AlertDelivery[];
}

export type NewAlert = Pick<AlertRecord, 'alertId' | 'rule' | 'kind' | 'subject' | 'message' | 'firedMs'>;

/**
 * Alerts and their deliveries. At most one alert per rule and subject fires at a time (a unique
 * index): `fire` and `resolve` say whether this call made the change, so only that caller delivers.
 */
export class AlertLog {
  constructor(private readonly db: Kysely<MetadataDb>) {}

  /** Records a new firing alert; false when one for the same rule and subject already fires. */
  async fire(a: NewAlert): Promise<boolean> {
    const r = await this.db
      .insertInto('silt_alerts')
      .values({ alert_id: a.alertId, rule: a.rule, kind: a.kind, subject: a.subject, message: a.message, fired_ms: a.firedMs, resolved_ms: null, resolution: null })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** Marks the firing alert of rule and subject resolved; the alert if this call did it. */
  async resolve(rule: string, subject: string, resolvedMs: number, resolution: string): Promise<AlertRecord | undefined> {
    const row = await this.db.selectFrom('silt_alerts').selectAll().where('rule', '=', rule).where('subject', '=', subject).where('resolved_ms', 'is', null).executeTakeFirst();
    if (!row) return undefined;
    const r = await this.db
      .updateTable('silt_alerts')
      .set({ resolved_ms: resolvedMs, resolution })
      .where('alert_id', '=', row.alert_id)
      .where('resolved_ms', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return undefined;
    return { ...toAlert(row, []), resolvedMs, resolution };
  }

  async recordDelivery(alertId: string, d: AlertDelivery): Promise<void> {
    const row = { alert_id: alertId, event: d.event, channel: d.channel, status: d.status, attempts: d.attempts, last_error: d.lastError, at_ms: d.atMs };
    await this.db
      .insertInto('silt_alert_deliveries')
      .values(row)
      .onConflict((oc) => oc.columns(['alert_id', 'event', 'channel']).doUpdateSet(row))
      .execute();
  }

  /** The alerts firing now, oldest first. */
  async firing(): Promise<AlertRecord[]> {
    const rows = await this.db.selectFrom('silt_alerts').selectAll().where('resolved_ms', 'is', null).orderBy('fired_ms').orderBy('alert_id').execute();
    return this.withDeliveries(rows);
  }

  /** Every alert, newest first, a page at a time; `total` counts them all. */
  async history(page: { limit: number; offset: number }): Promise<{ alerts: AlertRecord[]; total: number }> {
    const rows = await this.db
      .selectFrom('silt_alerts')
      .selectAll()
      .orderBy('fired_ms', 'desc')
      .orderBy('alert_id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    const { n } = await this.db.selectFrom('silt_alerts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { alerts: await this.withDeliveries(rows), total: Number(n) };
  }

  private async withDeliveries(rows: MetadataDb['silt_alerts'][]): Promise<AlertRecord[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.alert_id);
    const all = await this.db.selectFrom('silt_alert_deliveries').selectAll().where('alert_id', 'in', ids).orderBy('at_ms').execute();
    return rows.map((r) =>
      toAlert(
        r,
        all
          .filter((d) => d.alert_id === r.alert_id)
          .map((d) => ({
            event: d.event as AlertEvent,
            channel: d.channel,
            status: d.status as AlertDelivery['status'],
            attempts: Number(d.attempts),
            lastError: d.last_error,
            atMs: Number(d.at_ms),
          })),
      ),
    );
  }
}

function toAlert(r: MetadataDb['silt_alerts'], deliveries: AlertDelivery[]): AlertRecord {
  return {
    alertId: r.alert_id,
    rule: r.rule,
    kind: r.kind,
    subject: r.subject,
    message: r.message,
    firedMs: Number(r.fired_ms),
    resolvedMs: r.resolved_ms === null ? null : Number(r.resolved_ms),
    resolution: r.resolution,
    deliveries,
  };
}
