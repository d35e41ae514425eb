import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// Every command validates silt.yaml, so this is written with zod/mini: it loads in a fraction of
// the time of the full `zod` (which the services load for their own sections). The English
// messages that the full `zod` installs are set here for the same reason.
z.config(en());

const catalogUri = z.string().check(
  z.minLength(1),
  z.refine(
    (v) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || /^(sqlite|postgres|postgresql):\/\//i.test(v),
    'a SQLite file path (or a sqlite:// or postgres://user@host:port/database URI)',
  ),
);

const layerName = z.string().check(z.regex(/^[a-z_][a-z0-9_]*$/, 'a namespace in lower-case letters, digits and _, e.g. raw'));

/**
 * The shape of `silt.yaml`. One declaration drives validation, defaults and error messages.
 * Sections for sources, contracts and models join as the pipeline grows.
 */
export const projectSchema = z.strictObject({
  name: z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'a name of letters, digits, _ or -, starting with a letter')),
  storage: z._default(
    z.strictObject({
      location: z.string().check(z.minLength(1)),
      // For an s3:// location; credentials never go here (the AWS SDK's environment, profile or role).
      s3: z.optional(
        z.strictObject({
          endpoint: z.optional(z.string().check(z.regex(/^https?:\/\/[^/\s]+\/?$/, 'an http:// or https:// URL of the server, e.g. http://127.0.0.1:8333'))),
          region: z.optional(z.string().check(z.minLength(1))),
          path_style: z.optional(z.boolean()),
          if_match: z.optional(z.boolean()), // false for a server that ignores If-Match on PUT: pointers then swap in the metadata store only
          // Asked of S3 on every object Silt writes: SSE-S3 (AES256) or SSE-KMS (aws:kms, with a key id or the bucket's default).
          server_side_encryption: z.optional(
            z.strictObject({
              algorithm: z.enum(['AES256', 'aws:kms', 'aws:kms:dsse']),
              kms_key_id: z.optional(z.string().check(z.minLength(1))),
              bucket_key: z.optional(z.boolean()),
            }),
          ),
        }),
      ),
    }),
    { location: './lake' },
  ),
  // `catalog: postgres://…` is short for `catalog: { uri: postgres://… }`.
  catalog: z._default(z.union([catalogUri, z.strictObject({ uri: catalogUri })]), { uri: './.silt/catalog.db' }),
  engine: z._default(
    z.strictObject({
      memory_limit: z.optional(z.string().check(z.regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB|%)$/i, 'a size such as 4GB or 80%'))),
      threads: z.optional(z.int().check(z.positive())),
      steps: z.optional(z.enum(['duckdb', 'trino'])), // where silver and gold steps run unless one says otherwise
    }),
    {},
  ),
  // The namespaces of the three layers (config/layers.ts); each defaults to its role's name.
  layers: z.optional(z.strictObject({ bronze: z.optional(layerName), silver: z.optional(layerName), gold: z.optional(layerName) })),
  // Sections owned by services; each validates its own with ProjectConfig.section().
  sources: z.optional(z.unknown()),
  landing: z.optional(z.unknown()),
  silver: z.optional(z.unknown()),
  gold: z.optional(z.unknown()),
  lineage: z.optional(z.unknown()),
  alerts: z.optional(z.unknown()),
  serve: z.optional(z.unknown()),
  schedules: z.optional(z.unknown()),
  maintenance: z.optional(z.unknown()),
  policies: z.optional(z.unknown()),
  access: z.optional(z.unknown()),
  retention: z.optional(z.unknown()),
  exports: z.optional(z.unknown()),
  prices: z.optional(z.unknown()),
  encryption: z.optional(z.unknown()),
  trino: z.optional(z.unknown()),
});

export type ProjectFile = z.infer<typeof projectSchema>;
