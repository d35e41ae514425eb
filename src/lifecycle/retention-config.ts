import { z } from 'zod';
import { isDuration, parseDuration, type ProjectConfig } from '../config/index.js';
import type { TableIdent } from '../catalog/index.js';

/**
 * The `retention:` section of silt.yaml: a layer (namespace) or a table, each with when its data
 * is deleted or archived. A table's fields override its layer's.
 *
 * ```yaml
 * retention:
 *   bronze:                  # every table of the namespace
 *     delete_after: 90d      # partitions older than this go (a delete commit; files after expiry)
 *   silver:
 *     archive_after: 30d     # partitions older than this move to `archive`
 *     archive: archive       # a prefix in the lake's store, or a URI inside it
 *   gold.daily_sales:        # one table
 *     delete_after: 400d
 *     column: order_date     # age rows by this column (the table is not partitioned by a date)
 * ```
 */
const duration = z.string().refine((v) => isDuration(v) && /[a-z]\s*$/.test(v.trim()), 'a duration with its unit, such as 90d, 36h or 30m');

const ruleSchema = z.strictObject({
  delete_after: duration.optional(),
  archive_after: duration.optional(),
  archive: z.string().min(1).optional(),
  column: z.string().min(1).optional(),
});

const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

export const retentionSchema = z.record(z.string(), ruleSchema).superRefine((rules, ctx) => {
  for (const [name, rule] of Object.entries(rules)) {
    if (!NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'a layer (namespace) name, or namespace.table' });
    if (rule.archive_after && !rule.archive && !rules[name.split('.')[0]!]?.archive) {
      ctx.addIssue({ code: 'custom', path: [name, 'archive'], message: 'the location archived files move to (archive_after needs one), such as archive' });
    }
  }
});

/** What retention does to one table. */
export interface RetentionPolicy {
  /** Where it is declared, for messages: `retention.bronze`, `retention.gold.daily_sales`. */
  declaredAt: string;
  /** Declared for the table itself (not only its layer): a table it cannot age is an error, not skipped. */
  forTable: boolean;
  deleteAfterMs?: number;
  archiveAfterMs?: number;
  archive?: string;
  column?: string;
}

export type RetentionPolicies = Map<string, z.output<typeof ruleSchema>>;

/** The rules silt.yaml declares, by layer or `namespace.table` (empty when there is no section). */
export function retentionRules(config: ProjectConfig): RetentionPolicies {
  return new Map(Object.entries(config.section('retention', retentionSchema) ?? {}));
}

/** The policy of a table: its own rule over its layer's; undefined when neither declares one. */
export function policyFor(rules: RetentionPolicies, ident: TableIdent): RetentionPolicy | undefined {
  const full = `${ident.namespace}.${ident.name}`;
  const own = rules.get(full);
  const layer = rules.get(ident.namespace);
  if (!own && !layer) return undefined;
  const rule = { ...layer, ...own };
  const declaredAt = `retention.${own ? full : ident.namespace}`;
  const ms = (text: string | undefined, key: string) => (text === undefined ? undefined : parseDuration(text, `${declaredAt}.${key}`));
  return {
    declaredAt,
    forTable: own !== undefined,
    ...(rule.delete_after !== undefined && { deleteAfterMs: ms(rule.delete_after, 'delete_after') }),
    ...(rule.archive_after !== undefined && { archiveAfterMs: ms(rule.archive_after, 'archive_after') }),
    ...(rule.archive !== undefined && { archive: rule.archive }),
    ...(rule.column !== undefined && { column: rule.column }),
  };
}
