/**
 * Iceberg views (the view spec, format version 1): metadata, its versions and their SQL
 * representations, and the updates a view commit applies. Like a table commit, a view change is
 * data: requirements checked on the base, then updates applied in order.
 */
import { randomUUID } from 'node:crypto';
import { CommitConflict, InvalidInput } from '../errors.js';
import { indexById, sameFields } from './schema.js';
import type { Schema } from './types.js';

export interface ViewRepresentation {
  type: 'sql';
  sql: string;
  /** `silt`, `trino`, `spark`, … lower case. */
  dialect: string;
}

export interface ViewVersion {
  'version-id': number;
  'schema-id': number;
  'timestamp-ms': number;
  summary: Record<string, string>;
  representations: ViewRepresentation[];
  'default-catalog'?: string | null;
  'default-namespace': string[];
}

export interface ViewMetadata {
  'view-uuid': string;
  'format-version': 1;
  location: string;
  schemas: Schema[];
  'current-version-id': number;
  versions: ViewVersion[];
  'version-log': { 'timestamp-ms': number; 'version-id': number }[];
  properties: Record<string, string>;
}

export type ViewRequirement = { type: 'assert-view-uuid'; uuid: string };

export type ViewUpdate =
  | { action: 'assign-uuid'; uuid: string }
  | { action: 'upgrade-format-version'; 'format-version': number }
  | { action: 'add-schema'; schema: Schema; 'last-column-id'?: number }
  | { action: 'set-location'; location: string }
  | { action: 'set-properties'; updates: Record<string, string> }
  | { action: 'remove-properties'; removals: string[] }
  | { action: 'add-view-version'; 'view-version': ViewVersion }
  /** -1: the version added last in this change. */
  | { action: 'set-current-view-version'; 'view-version-id': number };

/** How many versions a view keeps (the spec's `version.history.num-entries`, 10 by default). */
const HISTORY_PROPERTY = 'version.history.num-entries';
const LAST_ADDED = -1;

/** The updates that make `version` (with `schema`) a view's current version: create and replace alike. */
export function versionUpdates(schema: Schema, version: Omit<ViewVersion, 'version-id' | 'schema-id'>): ViewUpdate[] {
  return [
    { action: 'add-schema', schema },
    { action: 'add-view-version', 'view-version': { ...version, 'version-id': 1, 'schema-id': LAST_ADDED } },
    { action: 'set-current-view-version', 'view-version-id': LAST_ADDED },
  ];
}

/** A new view's metadata: a fresh uuid, its location, and the updates of its first version. */
export function newViewMetadata(location: string, updates: readonly ViewUpdate[], properties: Record<string, string> = {}): ViewMetadata {
  const base: ViewMetadata = {
    'view-uuid': randomUUID(),
    'format-version': 1,
    location: location.replace(/\/+$/, ''),
    schemas: [],
    'current-version-id': LAST_ADDED,
    versions: [],
    'version-log': [],
    properties: {},
  };
  const made = applyViewUpdates(base, [], [{ action: 'set-properties', updates: properties }, ...updates]);
  if (made.versions.length === 0) throw new InvalidInput('view: a new view needs a version (its SQL and schema)', { details: { field: 'view-version' } });
  return made;
}

/** Checks `requirements` on `base`, then applies `updates` in order; the result is checked whole. */
export function applyViewUpdates(base: ViewMetadata, requirements: readonly ViewRequirement[], updates: readonly ViewUpdate[]): ViewMetadata {
  for (const r of requirements) {
    if (r.type !== 'assert-view-uuid') throw new InvalidInput(`view: unknown requirement ${String((r as { type: unknown }).type)}`);
    if (r.uuid !== base['view-uuid']) throw new CommitConflict(`view: requirement assert-view-uuid failed: the view's uuid is ${base['view-uuid']}, not ${r.uuid}; load it again`);
  }
  const m: ViewMetadata = structuredClone(base);
  let lastSchema: number | undefined;
  let lastVersion: number | undefined;
  const now = Date.now();
  for (const [i, u] of updates.entries()) {
    const at = `updates.${i}`;
    switch (u.action) {
      case 'assign-uuid':
        if (m.versions.length > 0 && u.uuid !== m['view-uuid']) throw new InvalidInput(`view: ${at}: a view's uuid cannot change`, { details: { field: at } });
        m['view-uuid'] = u.uuid;
        break;
      case 'upgrade-format-version':
        if (u['format-version'] !== 1) throw new InvalidInput(`view: ${at}: view format version ${u['format-version']} is not supported (only 1)`, { details: { field: at } });
        break;
      case 'add-schema': {
        try {
          indexById(u.schema);
        } catch (e) {
          throw new InvalidInput(`view: ${at}: ${(e as Error).message}`, { details: { field: `${at}.schema` } });
        }
        const same = m.schemas.find((s) => sameFields(s, u.schema));
        lastSchema = same?.['schema-id'] ?? Math.max(-1, ...m.schemas.map((s) => s['schema-id'])) + 1;
        if (!same) m.schemas.push({ ...u.schema, 'schema-id': lastSchema });
        break;
      }
      case 'set-location':
        m.location = u.location.replace(/\/+$/, '');
        break;
      case 'set-properties':
        Object.assign(m.properties, u.updates);
        break;
      case 'remove-properties':
        for (const k of u.removals) delete m.properties[k];
        break;
      case 'add-view-version': {
        const v = u['view-version'];
        const schemaId = v['schema-id'] === LAST_ADDED ? lastSchema : v['schema-id'];
        if (schemaId === undefined) throw new InvalidInput(`view: ${at}: schema-id -1 needs an add-schema before it`, { details: { field: at } });
        if (!m.schemas.some((s) => s['schema-id'] === schemaId)) throw new InvalidInput(`view: ${at}: no schema ${schemaId}`, { details: { field: `${at}.view-version.schema-id` } });
        checkRepresentations(v.representations, at);
        const version: ViewVersion = { ...v, 'schema-id': schemaId, 'default-namespace': v['default-namespace'] ?? [] };
        const same = m.versions.find((x) => sameVersion(x, version));
        lastVersion = same?.['version-id'] ?? Math.max(0, ...m.versions.map((x) => x['version-id'])) + 1;
        if (!same) m.versions.push({ ...version, 'version-id': lastVersion });
        break;
      }
      case 'set-current-view-version': {
        const id = u['view-version-id'] === LAST_ADDED ? lastVersion : u['view-version-id'];
        if (id === undefined || !m.versions.some((x) => x['version-id'] === id)) {
          throw new InvalidInput(`view: ${at}: no view version ${u['view-version-id']}${u['view-version-id'] === LAST_ADDED ? ' (none was added)' : ''}`, { details: { field: at } });
        }
        if (id !== m['current-version-id']) {
          m['current-version-id'] = id;
          m['version-log'].push({ 'timestamp-ms': now, 'version-id': id });
        }
        break;
      }
      default:
        throw new InvalidInput(`view: ${at}: unknown update ${String((u as { action: unknown }).action)}`, { details: { field: at } });
    }
  }
  return expire(m);
}

/** Drops the oldest versions past the history property (never the current one), and the schemas no version uses. */
function expire(m: ViewMetadata): ViewMetadata {
  const keep = Math.max(1, Number(m.properties[HISTORY_PROPERTY] ?? 10) || 10);
  if (m.versions.length <= keep) return m;
  const current = m.versions.find((v) => v['version-id'] === m['current-version-id']);
  const others = m.versions.filter((v) => v !== current).slice(-(keep - 1));
  m.versions = [...others, ...(current ? [current] : [])].sort((a, b) => a['version-id'] - b['version-id']);
  const used = new Set(m.versions.map((v) => v['schema-id']));
  m.schemas = m.schemas.filter((s) => used.has(s['schema-id']));
  return m;
}

function checkRepresentations(reps: readonly ViewRepresentation[], at: string): void {
  if (!Array.isArray(reps) || reps.length === 0) throw new InvalidInput(`view: ${at}: a view version needs at least one representation`, { details: { field: at } });
  const dialects = new Set<string>();
  for (const r of reps) {
    if (r.type !== 'sql') throw new InvalidInput(`view: ${at}: representation type ${String(r.type)} is not known (only sql)`, { details: { field: at } });
    const d = r.dialect.toLowerCase();
    if (dialects.has(d)) throw new InvalidInput(`view: ${at}: two representations of dialect ${d}; give one per dialect`, { details: { field: at } });
    dialects.add(d);
  }
}

function sameVersion(a: ViewVersion, b: ViewVersion): boolean {
  return (
    a['schema-id'] === b['schema-id'] &&
    (a['default-catalog'] ?? null) === (b['default-catalog'] ?? null) &&
    JSON.stringify(a['default-namespace']) === JSON.stringify(b['default-namespace']) &&
    JSON.stringify(a.representations.map((r) => [r.dialect.toLowerCase(), r.sql])) === JSON.stringify(b.representations.map((r) => [r.dialect.toLowerCase(), r.sql]))
  );
}

export function currentViewVersion(m: ViewMetadata): ViewVersion {
  const v = m.versions.find((x) => x['version-id'] === m['current-version-id']);
  if (!v) throw new InvalidInput(`view: current version ${m['current-version-id']} is not among its versions`);
  return v;
}

export function viewSchema(m: ViewMetadata): Schema {
  const id = currentViewVersion(m)['schema-id'];
  const s = m.schemas.find((x) => x['schema-id'] === id);
  if (!s) throw new InvalidInput(`view: schema ${id} of its current version is missing`);
  return s;
}

/** A view metadata file's text, checked for what Silt reads of it. */
export function parseViewMetadata(text: string, name: string): ViewMetadata {
  let m: ViewMetadata;
  try {
    m = JSON.parse(text) as ViewMetadata;
  } catch (e) {
    throw new InvalidInput(`view ${name}: metadata is not valid JSON: ${(e as Error).message}`);
  }
  if (m?.['format-version'] !== 1) throw new InvalidInput(`view ${name}: view format version ${String(m?.['format-version'])} is not supported (only 1)`);
  for (const key of ['view-uuid', 'location', 'schemas', 'current-version-id', 'versions'] as const) {
    if (m[key] === undefined) throw new InvalidInput(`view ${name}: metadata lacks ${key}`);
  }
  m['version-log'] ??= [];
  m.properties ??= {};
  currentViewVersion(m);
  return m;
}

/** `<folder>/metadata/<version>-<uuid>.metadata.json`, the version one past `previous`'s (the file name Iceberg's catalogs use). */
export function viewMetadataFileKey(folderKey: string, previous: string | undefined): string {
  const last = previous ? /\/(\d+)-[^/]*$/.exec(previous) : null;
  const version = last ? Number(last[1]) + 1 : 0;
  return `${folderKey.replace(/\/+$/, '')}/metadata/${String(version).padStart(5, '0')}-${randomUUID()}.metadata.json`;
}
