import { isoZulu } from './calendar.js';
import type { DemoContext } from './context.js';
import { FileSeries } from './file-series.js';
import { Later } from './later.js';
import { Rng, Weighted } from './prng.js';
import { Roll } from './roll.js';
import { Session } from './session.js';
import { Timeline } from './timeline.js';
import { emptySource, type WebEventsTruth } from './truth.js';

type Kind = 'clean' | 'duplicated' | 'invalidType' | 'unknownCustomer' | 'malformed';

const KINDS = new Weighted<Kind>([
  ['clean', 975], ['duplicated', 10], ['invalidType', 5], ['unknownCustomer', 3], ['malformed', 3],
]);
const INVALID_TYPES = ['click', 'PageView', 'scroll', 'add-to-cart', ''] as const;

/**
 * `landing/web_events/*.ndjson`: clickstream sessions walking the funnel page_view → add_to_cart
 * → checkout → purchase, some anonymous until they log in at checkout.
 */
export async function writeWebEvents(ctx: DemoContext): Promise<WebEventsTruth> {
  const rng = new Rng(ctx.seed, 'web_events');
  const total = ctx.sizes.webEvents;
  const timeline = new Timeline(new Rng(ctx.seed, 'web_events/timeline'));
  const series = new FileSeries(ctx.store, 'web_events', 'ndjson', null, ctx.onProgress);
  const roll = new Roll(total, [series]);
  const later = new Later<string>();
  const t: WebEventsTruth = { ...emptySource(), invalidEventTypes: 0, unknownCustomerRefs: 0, anonymousEvents: 0 };

  try {
    let e = 0;
    while (e < total) {
      const session = new Session(rng, ctx.customers, timeline.at((e + rng.next()) / total));
      for (let ev = session.next(); ev !== null && e < total; ev = session.next(), e++) {
        if (roll.due(e)) await roll.before(e);
        for (const line of later.take(e) ?? []) series.add(line);
        const kind = KINDS.draw(rng);
        let type: string = ev.type;
        let customer = ev.customer === null ? 'null' : String(ev.customer);
        if (kind === 'invalidType') {
          type = rng.pick(INVALID_TYPES);
          t.invalidEventTypes++;
        } else if (kind === 'unknownCustomer') {
          customer = String(ctx.customers.unknown(rng));
          t.unknownCustomerRefs++;
        }
        let line =
          `{"event_id":"${uuid(rng)}","session_id":"${session.id}","customer_id":${customer},` +
          `"event_type":"${type}","url":"${ev.url}","ts":"${isoZulu(ev.sec, ev.millis)}",` +
          `"user_agent":"${session.userAgent}","properties":${ev.properties}}\n`;
        if (kind === 'malformed') {
          // A client that lost its connection mid-line.
          line = `${line.slice(0, Math.floor(line.length * (0.3 + rng.next() * 0.6)))}\n`;
          t.malformedLines++;
        }
        series.add(line);
        if (kind === 'duplicated') {
          later.add(e + rng.int(1, 50), line);
          t.duplicateLines++;
        }
        if (kind === 'clean' || kind === 'duplicated') {
          t.cleanRecords++;
          if (ev.customer === null) t.anonymousEvents++;
        }
        if (series.full) await series.flush();
      }
    }
    for (const line of later.rest()) series.add(line);
    await roll.finish();
  } catch (err) {
    await series.abort();
    throw err;
  }
  t.rejectedRows = t.invalidEventTypes + t.unknownCustomerRefs;
  ctx.written.push(...series.files);
  return { ...t, files: series.files.length, lines: series.rows, bytes: series.bytes };
}

/** A random version-4 UUID from the seeded stream. */
function uuid(rng: Rng): string {
  const a = rng.hex(1);
  const b = rng.hex(1);
  const c = rng.hex(1);
  const variant = '89ab'.charAt(rng.u32() & 3);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${rng.hex(1)}`;
}
