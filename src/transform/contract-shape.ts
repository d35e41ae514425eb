/**
 * The silver contract's shape as declared under `silver.<name>` in silt.yaml, and its types:
 * zod's shape checks only. `contract-schema.ts` adds the cross-field checks.
 */
import { z } from 'zod';

export const DEFAULT_NULL_TOKENS: readonly string[] = Object.freeze(['', 'N/A', 'null', 'NULL', 'none', '-']);
export const PII_KINDS = ['email', 'phone', 'card_number', 'national_id', 'name', 'address'] as const;
export type PiiKind = (typeof PII_KINDS)[number];
export type Policy = 'warn' | 'drop' | 'fail';

const name = z.string().min(1);
const policy = z.enum(['warn', 'drop', 'fail']).default('warn');
/**
 * Thresholds on a run's batch (a rule's failing rows, a table's quarantined rows): past either,
 * the run fails for the table and commits nothing.
 */
const thresholds = {
  max_invalid_ratio: z.number().min(0).max(1).optional(),
  max_invalid_rows: z.number().int().nonnegative().optional(),
};
const common = { policy, name: name.optional(), description: z.string().optional(), ...thresholds };
const bound = z.union([z.number(), z.string()]);
/** A table Silt reads for the contract: pasted into SQL only as `namespace.table`, never as free text. */
const tableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/, 'a table as namespace.table, e.g. bronze.orders');

export const columnSchema = z.strictObject({
  /** Required unless `expr` is given; a derived column without one takes the expression's type. */
  type: z.string().min(1).optional(),
  required: z.boolean().default(false),
  from: name.optional(),
  trim: z.boolean().default(false),
  case: z.enum(['lower', 'upper', 'title']).optional(),
  formats: z.array(z.string().min(1)).min(1).optional(),
  null_tokens: z.array(z.string()).optional(),
  pii: z.enum(PII_KINDS).optional(),
  mask: z.enum(['redact', 'hash', 'partial']).optional(),
  description: z.string().optional(),
  /** SQL over the contract's source-read columns (typed, standardized): a derived column. */
  expr: z.string().min(1).optional(),
  /** Stored when the value (after its cast, or the expression) is NULL. */
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
});

export const expectationSchema = z.discriminatedUnion(
  'rule',
  [
    z.strictObject({ rule: z.literal('not_null'), column: name, ...common }),
    z.strictObject({ rule: z.literal('unique'), column: name, ...common }),
    z.strictObject({ rule: z.literal('range'), column: name, min: bound.optional(), max: bound.optional(), ...common }),
    z.strictObject({
      rule: z.literal('allowed_values'),
      column: name,
      values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1),
      ...common,
    }),
    z.strictObject({ rule: z.literal('regex'), column: name, pattern: z.string().min(1), ...common }),
    z.strictObject({
      rule: z.literal('length'),
      column: name,
      min: z.number().int().nonnegative().optional(),
      max: z.number().int().nonnegative().optional(),
      ...common,
    }),
    z.strictObject({ rule: z.literal('references'), column: name, table: tableName, to: name, ...common }),
    z.strictObject({ rule: z.literal('sql'), ...common, name, predicate: z.string().min(1) }),
  ],
  { error: 'a rule: not_null, unique, range, allowed_values, regex, length, references or sql' },
);

export const enrichSchema = z.strictObject({
  table: tableName,
  on: z.union([name, z.array(name).min(1)]).transform((v) => (typeof v === 'string' ? [v] : v)),
  columns: z.array(name).min(1),
});

/**
 * A list column of the source exploded into a child silver table: one row per element, with the
 * parent's key, the element's position (1-based) and the element's fields read as `columns`.
 */
export const explodeSchema = z.strictObject({
  /** The source's list column (a dotted path reaches into a struct). */
  column: name,
  /** The child silver table. */
  into: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a table name of letters, digits and _'),
  position: name.default('position'),
  /** Element fields by name (`from:` another field); a list of scalars has one field, `value`. */
  columns: z.record(name, columnSchema).refine((c) => Object.keys(c).length > 0, 'at least one column'),
  expectations: z.array(expectationSchema).default([]),
  null_tokens: z.array(z.string()).optional(),
  ...thresholds,
  description: z.string().optional(),
});

export const silverContractShape = z
  .strictObject({
    source: tableName,
    key: z
      .union([name, z.array(name).min(1)])
      .transform((v) => (typeof v === 'string' ? [v] : v))
      .optional(),
    order_by: name.optional(),
    flatten: z.boolean().default(true),
    columns: z.record(name, columnSchema).refine((c) => Object.keys(c).length > 0, 'at least one column'),
    null_tokens: z.array(z.string()).default([...DEFAULT_NULL_TOKENS]),
    expectations: z.array(expectationSchema).default([]),
    enrich: z.array(enrichSchema).default([]),
    /** Iceberg partition transforms over the silver columns, e.g. `day(order_ts), bucket(16, customer_id)`. */
    partition_by: z.string().optional(),
    /** Type-2 history: every version of a key by order_by, with valid_from, valid_to, is_current (`history.ts`). */
    history: z.boolean().default(false),
    /** List columns exploded into child tables, committed with this table. */
    explode: z
      .union([explodeSchema, z.array(explodeSchema).min(1)])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .optional(),
    /** Rows quarantined in a run's batch, as a share of its rows or a count. */
    ...thresholds,
    /** Where the step runs: `trino` reads the new source rows on the project's Trino (silt.yaml `trino:`). */
    engine: z.enum(['duckdb', 'trino']).optional(),
    description: z.string().optional(),
  });

export type SilverContract = z.output<typeof silverContractShape>;
export type ColumnSpec = z.output<typeof columnSchema>;
export type Expectation = z.output<typeof expectationSchema>;
export type EnrichSpec = z.output<typeof enrichSchema>;
export type ExplodeSpec = z.output<typeof explodeSchema>;
export type ColumnRule = Exclude<Expectation, { rule: 'sql' }>;
