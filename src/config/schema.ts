import { z } from 'zod';

/**
 * The shape of `silt.yaml`. One declaration drives validation, defaults and error messages.
 * Sections for sources, contracts and models join as the pipeline grows.
 */
export const projectSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'a name of letters, digits, _ or -, starting with a letter'),
  storage: z
    .strictObject({
      location: z.string().min(1),
    })
    .default({ location: './lake' }),
  catalog: z
    .strictObject({
      uri: z
        .string()
        .min(1)
        .refine(
          (v) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || /^(sqlite|postgres|postgresql):\/\//i.test(v),
          'a SQLite file path (or a sqlite:// or postgresql:// URI)',
        ),
    })
    .default({ uri: './.silt/catalog.db' }),
  engine: z
    .strictObject({
      memory_limit: z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB|%)$/i, 'a size such as 4GB or 80%').optional(),
      threads: z.number().int().positive().optional(),
    })
    .default({}),
  // Sections owned by services; each validates its own with ProjectConfig.section().
  sources: z.unknown().optional(),
  silver: z.unknown().optional(),
  gold: z.unknown().optional(),
});

export type ProjectFile = z.infer<typeof projectSchema>;
