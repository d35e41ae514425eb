/**
 * silt.yaml's `policies:` section: row filters and column masks per table, each for the
 * principals and groups it names, and workgroups with their scan and result limits.
 *
 *   policies:
 *     row_filters:
 *       - { table: silver.customers, filter: "region = current_principal_attribute('region')", to: ['group:analysts'] }
 *     masks:
 *       - { table: silver.customers, column: email, mask: partial, pii: email, to: ['*'] }
 *       - { table: silver.customers, column: income, expression: "round(income, -4)", to: [bob] }
 *     workgroups:
 *       - { name: analysts, members: ['group:analysts'], bytes_scanned_per_query: 10000000, bytes_scanned_per_day: 1000000000, result_rows: 10000 }
 */
import { z } from 'zod';
import type { ProjectConfig } from '../config/index.js';
import { PII_KINDS } from '../transform/index.js';

const TABLE = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/, 'a table as namespace.name');
/** `*` (every principal but the owner and the pipeline), `group:<name>`, or a principal's name. */
const WHO = z.string().regex(/^(\*|group:[A-Za-z0-9_.@-]+|[A-Za-z0-9_.@-]+)$/, "'*', 'group:<name>' or a principal's name");
const TO = z.array(WHO).min(1);
const BYTES = z.int().min(1);

const rowFilterSchema = z.strictObject({ table: TABLE, filter: z.string().min(1), to: TO });

const maskSchema = z
  .strictObject({
    table: TABLE,
    column: z.string().min(1),
    mask: z.enum(['redact', 'hash', 'partial']).optional(),
    pii: z.enum(PII_KINDS).optional(),
    expression: z.string().min(1).optional(),
    to: TO,
  })
  .refine((m) => (m.mask === undefined) !== (m.expression === undefined), { message: 'give either mask (redact, hash, partial) or expression, not both' });

const workgroupSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a name of letters, digits, _ . -'),
  members: TO,
  bytes_scanned_per_query: BYTES.optional(),
  bytes_scanned_per_day: BYTES.optional(),
  result_rows: z.int().min(1).optional(),
});

export const policiesSectionSchema = z
  .strictObject({
    row_filters: z.array(rowFilterSchema).default([]),
    masks: z.array(maskSchema).default([]),
    workgroups: z.array(workgroupSchema).default([]),
  })
  .superRefine((p, ctx) => {
    const seen = new Map<string, number>();
    for (const [i, m] of p.masks.entries()) {
      for (const who of m.to) {
        const key = `${m.table.toLowerCase()}.${m.column.toLowerCase()}:${who}`;
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['masks', i, 'to'], message: `a second mask of ${m.table}.${m.column} for ${who} (masks[${seen.get(key)}] has one); keep one` });
        seen.set(key, i);
      }
    }
    const names = new Set<string>();
    for (const [i, w] of p.workgroups.entries()) {
      if (names.has(w.name)) ctx.addIssue({ code: 'custom', path: ['workgroups', i, 'name'], message: `workgroup ${w.name} is declared twice` });
      names.add(w.name);
    }
  });

export type PoliciesConfig = z.output<typeof policiesSectionSchema>;
export type RowFilterDecl = PoliciesConfig['row_filters'][number];
export type MaskDecl = PoliciesConfig['masks'][number];
export type WorkgroupDecl = PoliciesConfig['workgroups'][number];

/** silt.yaml's `policies:` (errors name the entry and key); empty when absent. */
export function policiesConfig(config: ProjectConfig): PoliciesConfig {
  return config.section('policies', policiesSectionSchema) ?? { row_filters: [], masks: [], workgroups: [] };
}
