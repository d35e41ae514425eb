/**
 * OpenLineage run events (spec 2-0-2) for the steps of a Silt run: one job per step, the step's
 * input and output tables as datasets with their schema, and column lineage on the outputs.
 */
import { createHash } from 'node:crypto';
import type { LakehouseLineage } from './build-lineage.js';
import type { ColumnInput, ColumnLineage, LineageKind, TableLineage } from './lineage-types.js';

export type EventType = 'START' | 'COMPLETE' | 'FAIL';

const SPEC = 'https://openlineage.io/spec';
/** Who produced the events (OpenLineage wants a URI naming the producer). */
export const PRODUCER = 'urn:silt';
const RUN_EVENT_URL = `${SPEC}/2-0-2/OpenLineage.json#/$defs/RunEvent`;
const SCHEMA_FACET_URL = `${SPEC}/facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet`;
const COLUMN_LINEAGE_FACET_URL = `${SPEC}/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet`;
const ERROR_FACET_URL = `${SPEC}/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet`;

/** Where the datasets live: tables in the warehouse, landing prefixes in the store. */
export interface DatasetNamespaces {
  /** The warehouse location, e.g. `file:///srv/lake/warehouse`. */
  warehouse: string;
  /** The store root, for landing prefixes, e.g. `file:///srv/lake/`. */
  store: string;
}

export interface StepEventInput {
  type: EventType;
  /** The project's name: the jobs' namespace. */
  project: string;
  /** Silt's run id. */
  runId: string;
  /** The step id, e.g. `silver.orders`: the job's name. */
  step: string;
  /** The step's error, for FAIL. */
  error?: string;
  time: Date;
  lineage: LakehouseLineage;
  namespaces: DatasetNamespaces;
}

/** The OpenLineage run id of a step of a Silt run: a name-based UUID (v5 layout) of both, the same on every emission. */
export function stepRunUuid(runId: string, step: string): string {
  const h = createHash('sha1').update(`silt-run:${runId}:${step}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function stepRunEvent(e: StepEventInput): Record<string, unknown> {
  const outputs = e.lineage.tables.filter((t) => t.step === e.step);
  const byName = new Map(e.lineage.tables.map((t) => [t.table, t]));
  const inputs = [...new Set(outputs.flatMap((t) => t.inputs))];
  const dataset = (name: string) => ({ namespace: namespaceOf(name, e.namespaces), name });
  const schema = (t: TableLineage | undefined) =>
    t?.columns ? { schema: { ...facet(SCHEMA_FACET_URL), fields: t.columns.map((c) => ({ name: c.name, ...(c.type ? { type: c.type } : {}) })) } } : {};
  return {
    eventType: e.type,
    eventTime: e.time.toISOString(),
    run: {
      runId: stepRunUuid(e.runId, e.step),
      facets: e.type === 'FAIL' ? { errorMessage: { ...facet(ERROR_FACET_URL), message: e.error ?? 'the step failed', programmingLanguage: 'TypeScript' } } : {},
    },
    job: { namespace: e.project, name: e.step, facets: {} },
    inputs: inputs.map((name) => ({ ...dataset(name), facets: schema(byName.get(name)) })),
    outputs: outputs.map((t) => ({ ...dataset(t.table), facets: { ...schema(t), ...columnLineageFacet(t, e.namespaces) } })),
    producer: PRODUCER,
    schemaURL: RUN_EVENT_URL,
  };
}

function facet(schemaURL: string): { _producer: string; _schemaURL: string } {
  return { _producer: PRODUCER, _schemaURL: schemaURL };
}

function namespaceOf(name: string, ns: DatasetNamespaces): string {
  return name.startsWith('landing/') ? ns.store : ns.warehouse;
}

const SUBTYPE: Record<LineageKind, string> = { direct: 'IDENTITY', transformation: 'TRANSFORMATION', aggregation: 'AGGREGATION' };

/** The columnLineage facet: each column's inputs (DIRECT), and the columns that choose the rows (INDIRECT). */
function columnLineageFacet(t: TableLineage, ns: DatasetNamespaces): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const field = (i: ColumnInput, transformation: Record<string, unknown>) => ({
    namespace: namespaceOf(i.table, ns),
    name: i.table,
    field: i.column,
    transformations: [transformation],
  });
  for (const c of t.columns ?? []) {
    if (c.inputs.length === 0) continue;
    fields[c.name] = { inputFields: c.inputs.map((i) => field(i, directTransformation(c))) };
  }
  if (Object.keys(fields).length === 0 && t.rowInputs.length === 0) return {};
  return {
    columnLineage: {
      ...facet(COLUMN_LINEAGE_FACET_URL),
      fields,
      ...(t.rowInputs.length ? { dataset: t.rowInputs.map((i) => field(i, { type: 'INDIRECT', subtype: 'FILTER' })) } : {}),
    },
  };
}

function directTransformation(c: ColumnLineage): Record<string, unknown> {
  return {
    type: 'DIRECT',
    subtype: SUBTYPE[c.kind],
    ...(c.how?.length ? { description: c.how.join('; ') } : {}),
    masking: c.masked === true,
  };
}
