import { z } from 'zod';
import { httpPullSchema } from './http-config.js';

const ENV_NAME = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the name of an environment variable');
const IDENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const COLUMN = z.string().regex(IDENT, 'a column name of letters, digits and _');
const POSTGRES_URL = z.string().regex(/^postgres(ql)?:\/\/[^/\s]+\/[^/\s?]+(\?\S*)?$/i, 'a postgres://user@host:port/database URL');

export const PULL_CHUNK_ROWS = 10_000;

/**
 * A PostgreSQL table pulled incrementally (`sources.<name>.pull` with `kind: postgres`):
 *
 * ```yaml
 * pull:
 *   kind: postgres
 *   url_env: SHOP_DB_URL         # or url: postgres://reader@db:5432/shop (password from password_env or PGPASSWORD)
 *   table: public.customers      # schema.table (schema default: public)
 *   cursor: updated_at           # an updated-at timestamp or an increasing id
 *   key: id                      # or [a, b]: what identifies a row (ties on the cursor are ordered by it)
 *   chunk_rows: 10000            # rows a chunk, each chunk one landing file
 *   deletes: compare             # optional: keys gone from the table land as tombstones (_deleted = true)
 * ```
 */
export const postgresPullSchema = z
  .strictObject({
    kind: z.literal('postgres'),
    url: POSTGRES_URL.optional(),
    url_env: ENV_NAME.optional(),
    password_env: ENV_NAME.optional(),
    table: z
      .string()
      .regex(/^([A-Za-z_][A-Za-z0-9_$]*\.)?[A-Za-z_][A-Za-z0-9_$]*$/, 'a table as schema.table (or table, in schema public)')
      .transform((t) => (t.includes('.') ? t : `public.${t}`)),
    cursor: COLUMN,
    key: z.union([COLUMN.transform((k) => [k]), z.array(COLUMN).min(1)]),
    chunk_rows: z.number().int().min(1).max(1_000_000).optional(),
    deletes: z.enum(['compare']).optional(),
  })
  .superRefine((p, ctx) => {
    if ((p.url === undefined) === (p.url_env === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'either url (postgres://user@host:port/database) or url_env (the environment variable holding it), not both' });
    }
    if (p.key.includes(p.cursor)) {
      ctx.addIssue({ code: 'custom', path: ['key'], message: `the key columns without the cursor column ${p.cursor} (rows are ordered by the cursor, then the key)` });
    }
  });

export type PostgresPullConfig = z.output<typeof postgresPullSchema>;

/** `pull:` of a source: what it is pulled from, by `kind`. */
export const pullSchema = z.discriminatedUnion('kind', [postgresPullSchema, httpPullSchema]);

export type PullConfig = z.output<typeof pullSchema>;
