import { WINDOW_END, WINDOW_START, isoZulu } from './calendar.js';
import type { DemoContext } from './context.js';
import { Fleet } from './devices.js';
import { FileSeries } from './file-series.js';
import { Later } from './later.js';
import { Rng, Weighted } from './prng.js';
import { Roll } from './roll.js';
import { emptySource, type SensorsTruth } from './truth.js';

type Kind = 'clean' | 'duplicated' | 'outlier' | 'missing' | 'nulled' | 'malformed';

const KINDS = new Weighted<Kind>([
  ['clean', 955], ['duplicated', 10], ['outlier', 8], ['missing', 15], ['nulled', 10], ['malformed', 3],
]);
const GAP_FIELDS = ['humidity', 'battery', 'location'] as const;
type GapField = (typeof GAP_FIELDS)[number];

/**
 * `landing/sensors/*.ndjson`: every device reports once per interval (with jitter inside the
 * interval, so device + ts is a key), nested location, and the usual field trouble.
 */
export async function writeSensors(ctx: DemoContext): Promise<SensorsTruth> {
  const rng = new Rng(ctx.seed, 'sensors');
  const total = ctx.sizes.sensorReadings;
  const fleet = new Fleet(new Rng(ctx.seed, 'sensors/devices'), ctx.sizes.devices);
  const d = fleet.size;
  const interval = (WINDOW_END - WINDOW_START) / Math.ceil(total / d);
  const series = new FileSeries(ctx.store, 'sensors', 'ndjson', null, ctx.onProgress);
  const roll = new Roll(total, [series]);
  const later = new Later<string>();
  const t: SensorsTruth = { ...emptySource(), devices: d, outlierReadings: 0, missingFields: 0, nullFields: 0 };

  try {
    for (let r = 0; r < total; r++) {
      if (roll.due(r)) await roll.before(r);
      for (const line of later.take(r) ?? []) series.add(line);
      const dev = r % d;
      const slotStart = WINDOW_START + Math.floor(r / d) * interval;
      const sec = Math.floor(slotStart + rng.next() * interval * 0.5);
      const reading = fleet.read(dev, sec, rng);
      const kind = KINDS.draw(rng);
      const fields: Partial<Record<GapField, string | null>> = {
        humidity: reading.humidity, battery: reading.battery, location: reading.location,
      };
      let temperature = reading.temperature;
      if (kind === 'outlier') {
        temperature = rng.chance(0.5) ? '999' : '-273';
        t.outlierReadings++;
      } else if (kind === 'missing' || kind === 'nulled') {
        const field = rng.pick(GAP_FIELDS);
        if (kind === 'missing') delete fields[field];
        else fields[field] = null;
        t[kind === 'missing' ? 'missingFields' : 'nullFields']++;
      }
      let body = `{"device_id":"${reading.deviceId}","ts":"${isoZulu(sec)}","temperature":${temperature}`;
      for (const f of GAP_FIELDS) if (f in fields) body += `,"${f}":${fields[f] ?? 'null'}`;
      let line = `${body}}\n`;
      if (kind === 'malformed') {
        line = rng.chance(0.5)
          ? `${line.slice(0, Math.floor(line.length * (0.4 + rng.next() * 0.5)))}\n`
          : line.replaceAll('"', "'");
        t.malformedLines++;
      }
      series.add(line);
      if (kind === 'duplicated') {
        later.add(r + rng.int(1, 4 * d), line);
        t.duplicateLines++;
      }
      if (kind !== 'outlier' && kind !== 'malformed') t.cleanRecords++;
      if (series.full) await series.flush();
    }
    for (const line of later.rest()) series.add(line);
    await roll.finish();
  } catch (e) {
    await series.abort();
    throw e;
  }
  t.rejectedRows = t.outlierReadings;
  ctx.written.push(...series.files);
  return { ...t, files: series.files.length, lines: series.rows, bytes: series.bytes };
}
