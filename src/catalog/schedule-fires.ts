import type { Kysely } from 'kysely';
import type { MetadataDb } from './db.js';

export interface ScheduleFire {
  name: string;
  /** When the schedule was first seen (epoch ms); ticks before it are not made up. */
  sinceMs: number;
  /** The tick last fired (epoch ms), if any. */
  lastFireMs: number | null;
}

/** The last fire of each cron schedule, so a restart neither fires a tick twice nor forgets one missed while down. */
export class ScheduleFires {
  constructor(private readonly db: Kysely<MetadataDb>) {}

  async get(name: string): Promise<ScheduleFire | undefined> {
    const r = await this.db.selectFrom('silt_schedule_fires').selectAll().where('name', '=', name).executeTakeFirst();
    return r && { name: r.name, sinceMs: Number(r.since_ms), lastFireMs: r.last_fire_ms === null ? null : Number(r.last_fire_ms) };
  }

  /** Records that the schedule exists from `sinceMs` on; a schedule already known keeps its record. */
  async know(name: string, sinceMs: number): Promise<void> {
    await this.db.insertInto('silt_schedule_fires').values({ name, since_ms: sinceMs, last_fire_ms: null }).onConflict((oc) => oc.doNothing()).execute();
  }

  /** Records a fired tick; an older tick never replaces a newer one. */
  async fired(name: string, tickMs: number): Promise<void> {
    await this.db
      .insertInto('silt_schedule_fires')
      .values({ name, since_ms: tickMs, last_fire_ms: tickMs })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet((eb) => ({
          last_fire_ms: eb.fn('max', [eb.fn.coalesce('silt_schedule_fires.last_fire_ms', eb.val(tickMs)), eb.val(tickMs)]),
        })),
      )
      .execute();
  }
}
