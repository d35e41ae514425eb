import { createHash } from 'node:crypto';
import { keysOf } from './http-config.js';
import { valueAt } from './http-pages.js';

export type Mark = string | number;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?)?$/i;

/** Orders two values of the incremental field: numbers as numbers, ISO times as instants, else as text. */
function compareMarks(a: Mark, b: Mark): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [sa, sb] = [String(a), String(b)];
  if (ISO_TIME.test(sa) && ISO_TIME.test(sb)) {
    const d = Date.parse(sa.replace(' ', 'T')) - Date.parse(sb.replace(' ', 'T'));
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function fingerprint(record: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(record)).digest('base64url').slice(0, 16);
}

/**
 * The running largest value of the incremental field, and the fingerprints of the records
 * holding it. An API whose parameter means "at or after" sends the last pull's records at its
 * largest value again; those already landed (same content) are passed over, so each version of a
 * record lands once.
 */
export class Watermark {
  readonly #keys: string[];

  constructor(
    field: string,
    /** What this pull sends, and the records at that value the pull before landed. */
    readonly since: Mark | undefined,
    readonly sinceSeen: ReadonlySet<string>,
    public max: Mark | undefined,
    readonly atMax: Set<string>,
  ) {
    this.#keys = keysOf(field);
  }

  /** Whether `record` is new; if so it counts toward the running largest value. */
  admit(record: Record<string, unknown>): boolean {
    const v = valueAt(record, this.#keys);
    if (typeof v !== 'string' && typeof v !== 'number') return true;
    const print = fingerprint(record);
    if (this.since !== undefined && compareMarks(v, this.since) === 0 && this.sinceSeen.has(print)) return false;
    const order = this.max === undefined ? 1 : compareMarks(v, this.max);
    if (order > 0) {
      this.max = v;
      this.atMax.clear();
    }
    if (order >= 0) this.atMax.add(print);
    return true;
  }
}
