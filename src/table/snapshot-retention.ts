import { InvalidInput } from '../errors.js';
import type { Snapshot, TableMetadata } from './types.js';
import type { TableChange, TableUpdate } from './updates.js';

/** Iceberg's table properties for expiry, and their defaults (5 days, 1 snapshot, refs forever). */
export const MAX_SNAPSHOT_AGE_PROPERTY = 'history.expire.max-snapshot-age-ms';
export const MIN_SNAPSHOTS_PROPERTY = 'history.expire.min-snapshots-to-keep';
export const MAX_REF_AGE_PROPERTY = 'history.expire.max-ref-age-ms';
const DEFAULT_MAX_SNAPSHOT_AGE_MS = 5 * 24 * 3600 * 1000;
const DEFAULT_MIN_SNAPSHOTS = 1;

/** The ids of the snapshots expiry removed lately (newest last), so time travel to one says so. */
export const EXPIRED_SNAPSHOTS_PROPERTY = 'silt.expired-snapshots';
const EXPIRED_REMEMBERED = 100;

export interface RetentionOptions {
  nowMs: number;
  /** Branches without their own max-snapshot-age-ms keep ancestors younger than this. */
  maxSnapshotAgeMs?: number;
  /** Branches without their own min-snapshots-to-keep keep at least this many ancestors. */
  minSnapshotsToKeep?: number;
  /** Snapshots that must stay whatever their age (e.g. what a downstream table last read). */
  pinned?: ReadonlySet<bigint>;
}

export interface Retention {
  /** Snapshot ids removed, oldest first. */
  expire: bigint[];
  /** Refs (never main) whose snapshot is older than their max-ref-age-ms. */
  removeRefs: string[];
}

/**
 * Which snapshots expiry removes, by the spec's rules: a ref older than its max-ref-age-ms goes
 * (never main); every branch keeps its ancestors while fewer than min-snapshots-to-keep are kept or
 * they are younger than max-snapshot-age-ms (the ref's own values, else the options, else the
 * table's properties); a tag keeps its snapshot; a snapshot on no branch goes once it is older than
 * the age limit. Silt also keeps pinned snapshots and, on each branch, the nearest ancestor that
 * recorded each `silt.` summary key the kept ones lack: Silt's bookkeeping (what silver read, what
 * gold was built from) is read from there.
 */
export function snapshotRetention(m: TableMetadata, opts: RetentionOptions, table: string): Retention {
  const props = m.properties;
  const maxAge = opts.maxSnapshotAgeMs ?? propertyNumber(props, MAX_SNAPSHOT_AGE_PROPERTY, DEFAULT_MAX_SNAPSHOT_AGE_MS, table);
  const minKeep = opts.minSnapshotsToKeep ?? propertyNumber(props, MIN_SNAPSHOTS_PROPERTY, DEFAULT_MIN_SNAPSHOTS, table);
  const maxRefAge = propertyNumber(props, MAX_REF_AGE_PROPERTY, Infinity, table);
  const byId = new Map(m.snapshots.map((s) => [s['snapshot-id'], s]));
  const keep = new Set<bigint>(opts.pinned ? [...opts.pinned].filter((id) => byId.has(id)) : []);
  const removeRefs: string[] = [];
  const onBranch = new Set<bigint>();
  for (const [name, ref] of Object.entries(m.refs)) {
    const head = byId.get(ref['snapshot-id']);
    if (!head) continue;
    if (name !== 'main' && opts.nowMs - head['timestamp-ms'] > (ref['max-ref-age-ms'] ?? maxRefAge)) {
      removeRefs.push(name);
      continue;
    }
    if (ref.type === 'tag') {
      keep.add(head['snapshot-id']);
      continue;
    }
    const cutoff = opts.nowMs - (ref['max-snapshot-age-ms'] ?? maxAge);
    const min = ref['min-snapshots-to-keep'] ?? minKeep;
    const chain = ancestors(head, byId);
    for (const s of chain) onBranch.add(s['snapshot-id']);
    let kept = 0;
    for (const s of chain) {
      if (kept >= min && s['timestamp-ms'] < cutoff) break;
      keep.add(s['snapshot-id']);
      kept++;
    }
    keepBookkeeping(chain, keep);
  }
  const cutoff = opts.nowMs - maxAge;
  for (const s of m.snapshots) {
    if (!onBranch.has(s['snapshot-id']) && s['timestamp-ms'] >= cutoff) keep.add(s['snapshot-id']);
  }
  if (m['current-snapshot-id'] !== undefined) keep.add(m['current-snapshot-id']);
  const expire = [...m.snapshots].sort((a, b) => a['sequence-number'] - b['sequence-number']).map((s) => s['snapshot-id']).filter((id) => !keep.has(id));
  return { expire, removeRefs };
}

/** The change that carries out a retention: drop the refs, remove the snapshots, remember their ids. */
export function retentionChange(m: TableMetadata, r: Retention): TableChange | undefined {
  if (r.expire.length === 0 && r.removeRefs.length === 0) return undefined;
  const updates: TableUpdate[] = r.removeRefs.map((name) => ({ action: 'remove-snapshot-ref', 'ref-name': name }));
  if (r.expire.length > 0) {
    const remembered = [...expiredIds(m), ...r.expire.map(String)].slice(-EXPIRED_REMEMBERED);
    updates.push({ action: 'remove-snapshots', 'snapshot-ids': r.expire });
    updates.push({ action: 'set-properties', updates: { [EXPIRED_SNAPSHOTS_PROPERTY]: remembered.join(',') } });
  }
  return { requirements: [], updates };
}

/** Ids expiry removed lately, as recorded in the table's properties. */
export function expiredIds(m: TableMetadata): string[] {
  return (m.properties[EXPIRED_SNAPSHOTS_PROPERTY] ?? '').split(',').filter((s) => s !== '');
}

/** A branch head and its ancestors, newest first (bounded, so a damaged parent chain cannot loop). */
function ancestors(head: Snapshot, byId: ReadonlyMap<bigint, Snapshot>): Snapshot[] {
  const out: Snapshot[] = [];
  for (let s: Snapshot | undefined = head; s && out.length <= byId.size; ) {
    out.push(s);
    const parent: bigint | undefined = s['parent-snapshot-id'];
    s = parent === undefined ? undefined : byId.get(parent);
  }
  return out;
}

/** Keeps, for each `silt.` summary key, the newest snapshot of `chain` recording it, unless a kept newer one does. */
function keepBookkeeping(chain: readonly Snapshot[], keep: Set<bigint>): void {
  const seen = new Set<string>();
  for (const s of chain) {
    for (const key of Object.keys(s.summary)) {
      if (!key.startsWith('silt.') || seen.has(key)) continue;
      seen.add(key);
      keep.add(s['snapshot-id']);
    }
  }
}

function propertyNumber(props: Readonly<Record<string, string>>, key: string, fallback: number, table: string): number {
  const text = props[key];
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidInput(`expire: ${table}: table property ${key} is ${JSON.stringify(text)}, not a whole number; set it to one (or remove it) to expire this table`);
  return n;
}
