import { z } from 'zod';
import type { ProjectConfig } from '../config/index.js';

const principalName = z.string().regex(/^[a-z][a-z0-9_.@-]{0,127}$/, 'a principal name: lower-case letters, digits, _ . @ or -, starting with a letter');
const columnRef = z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/, 'a column as namespace.table.column');

/**
 * silt.yaml's `access:` section: who exists, who is in which group, which columns carry which
 * tag, and the grants, written as the GRANT statements `silt query` runs. `silt plan` shows what
 * would change; `silt apply` makes it so (and removes what an earlier apply made and silt.yaml
 * no longer declares; principals and grants made by hand are left alone).
 */
export const accessSectionSchema = z.strictObject({
  users: z.array(principalName).default([]),
  services: z.array(principalName).default([]),
  groups: z.record(principalName, z.array(principalName)).default({}),
  tags: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a tag: lower-case letters, digits, _ or -'), z.array(columnRef)).default({}),
  grants: z.array(z.string().regex(/^\s*GRANT\s/i, 'a GRANT statement, e.g. GRANT SELECT ON NAMESPACE silver TO analysts')).default([]),
});

export type AccessSection = z.output<typeof accessSectionSchema>;

export function accessSection(config: ProjectConfig): AccessSection {
  return config.section('access', accessSectionSchema) ?? accessSectionSchema.parse({});
}
