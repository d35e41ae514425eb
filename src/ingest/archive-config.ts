import { z } from 'zod';
import { isDuration } from '../config/index.js';

const LANDING = 'landing/';

/**
 * `archive:` on a source (or under `landing:` for every source): ingested landing files move to
 * `prefix`, keeping their path under landing/, once `after` has passed since they were ingested.
 *
 * ```yaml
 * archive: { prefix: archive/, after: 7d }   # after: 0 (the default) moves them at once
 * archive: false                              # this source keeps its files in landing
 * ```
 */
export const archiveSchema = z.union([
  z.literal(false),
  z.strictObject({
    prefix: z
      .string()
      .min(1)
      .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'a folder of the lake, without a leading / or ..')
      .refine((p) => !isUnder(p, LANDING) && !isUnder(p, 'warehouse/'), 'a folder outside landing/ (archived files there would be ingested again) and warehouse/ (the tables)')
      .optional(),
    after: z
      .union([z.literal(0), z.string().refine(isDuration, 'a duration such as 0, 12h or 7d')])
      .optional(),
  }),
]);

export type ArchiveConfig = z.output<typeof archiveSchema>;

/** `landing:` in silt.yaml: defaults for every source (`archive:`), each source's own setting winning. */
export const landingSectionSchema = z.strictObject({ archive: archiveSchema.optional() });

function isUnder(prefix: string, folder: string): boolean {
  return archiveFolder(prefix).startsWith(folder);
}

/** The store prefix an `archive.prefix` names, ending in '/' (`./archive` → `archive/`). */
export function archiveFolder(prefix: string): string {
  return `${prefix.replace(/^\.\//, '').replace(/\/+$/, '')}/`;
}

