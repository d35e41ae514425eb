import path from 'node:path';
import { z } from 'zod';
import type { ProjectConfig } from '../config/index.js';

/**
 * `lineage:` in silt.yaml. `openlineage` sends each run step's OpenLineage events to `url` (an
 * HTTP endpoint taking POSTed events, e.g. Marquez's `http://localhost:5000/api/v1/lineage`) or
 * appends them to `file` (NDJSON, relative to silt.yaml).
 */
export const lineageSectionSchema = z.strictObject({
  openlineage: z
    .strictObject({
      url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).optional(),
      file: z.string().min(1).optional(),
    })
    .refine((o) => (o.url === undefined) !== (o.file === undefined), 'one of url or file')
    .optional(),
});

export type OpenLineageTarget = { url: string } | { file: string };

/** Where the project sends OpenLineage events, if anywhere. */
export function openLineageTarget(config: ProjectConfig): OpenLineageTarget | undefined {
  const o = config.section('lineage', lineageSectionSchema)?.openlineage;
  if (!o) return undefined;
  return o.url !== undefined ? { url: o.url } : { file: path.resolve(config.dir, o.file!) };
}
