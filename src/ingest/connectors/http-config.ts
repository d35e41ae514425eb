import { z } from 'zod';
import { isDuration, parseDuration } from '../../config/index.js';

/** Names a header or query parameter that carries a credential: its value must come from the environment. */
export const SECRET_NAME = /auth|key|token|secret|password|passwd|cookie|session|signature|credential/i;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const envName = z.string().regex(ENV_NAME, 'the name of an environment variable, e.g. API_TOKEN');

const keyPath = z
  .string()
  .regex(/^(\$\.)?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, 'a path of keys, e.g. data or $.data.items');

const duration = z
  .union([z.string(), z.number().nonnegative()])
  .refine((d) => typeof d === 'number' || isDuration(d), 'a duration such as 200ms, 1s or 5m')
  .transform((d) => (typeof d === 'number' ? d * 1000 : parseDuration(d, 'duration')));

const fromEnv = z.strictObject({ env: envName });

/** A header or query value: literal text, or `{ env: NAME }` read when the pull starts. */
const value = z.union([z.string(), z.number().transform(String), fromEnv]);

const LITERAL_SECRET = (name: string, where: string): string =>
  `a secret never goes in silt.yaml: write \`${name}: { env: NAME }\` under ${where} and set NAME in the environment silt runs in`;

function refuseLiteralSecrets(where: string) {
  return (values: Record<string, z.output<typeof value>>, ctx: z.core.$RefinementCtx) => {
    for (const [name, v] of Object.entries(values)) {
      if (typeof v === 'string' && SECRET_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: LITERAL_SECRET(name, where) });
    }
  };
}

const url = z
  .string()
  .superRefine((text, ctx) => {
    let u: URL;
    try {
      u = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'an absolute http:// or https:// URL, e.g. https://api.example.com/v1/orders' });
      return;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: `an http:// or https:// URL (found ${u.protocol})` });
    if (u.username || u.password) ctx.addIssue({ code: 'custom', message: 'a URL without user:password@; write auth: { bearer_env: NAME } or headers: { Authorization: { env: NAME } }' });
    for (const name of u.searchParams.keys()) {
      if (SECRET_NAME.test(name)) ctx.addIssue({ code: 'custom', message: `the URL's ${name}= looks like a secret: remove it and write params: { ${name}: { env: NAME } }` });
    }
  });

const refuse = (message: string) =>
  z
    .unknown()
    .refine(() => false, message)
    .optional();

const LITERAL_TOKEN = 'a token never goes in silt.yaml: write bearer_env: NAME and set NAME to the token in the environment silt runs in';

// The refused keys come first: their message explains the missing bearer_env.
const authSchema = z.strictObject({ bearer: refuse(LITERAL_TOKEN), token: refuse(LITERAL_TOKEN), bearer_env: envName });

const pageSchema = z
  .strictObject({
    kind: z.literal('page'),
    param: z.string().min(1).default('page'),
    start: z.int().min(0).default(1),
    size_param: z.string().min(1).optional(),
    size: z.int().min(1).optional(),
  })
  .refine((p) => (p.size_param === undefined) === (p.size === undefined), {
    message: 'size_param and size go together, e.g. size_param: per_page, size: 100',
    path: ['size'],
  });

const offsetSchema = z.strictObject({
  kind: z.literal('offset'),
  param: z.string().min(1).default('offset'),
  limit_param: z.string().min(1).default('limit'),
  limit: z.int().min(1).default(100),
});

const cursorSchema = z.strictObject({
  kind: z.literal('cursor'),
  /** Where in a page the next cursor is (absent, null or '': the last page). */
  path: keyPath,
  /** The query parameter the cursor is sent in. */
  param: z.string().min(1),
});

const linkSchema = z.strictObject({ kind: z.literal('link') });

const paginateSchema = z.discriminatedUnion('kind', [pageSchema, offsetSchema, cursorSchema, linkSchema], {
  error: (issue) => (issue.code === 'invalid_union' ? 'one of page, offset, cursor, link' : undefined),
});

/**
 * `pull:` of kind http under a source in silt.yaml: a JSON API pulled page by page into bronze.
 *
 * ```yaml
 * sources:
 *   tickets:
 *     pull:
 *       kind: http
 *       url: https://api.example.com/v1/tickets
 *       records: data                       # the array of rows in a page (absent: the page is the array)
 *       paginate: { kind: cursor, path: meta.next, param: cursor }   # or page | offset | link
 *       auth: { bearer_env: TICKETS_TOKEN } # or headers: { X-Api-Key: { env: NAME } }
 *       params: { status: all }             # fixed query parameters
 *       incremental: { param: updated_since, field: updated_at }
 *       rate_limit: { per_second: 5 }
 *       retries: { max: 5, backoff: 1s }
 * ```
 */
export const httpPullSchema = z.strictObject({
  kind: z.literal('http'),
  url,
  records: keyPath.optional(),
  params: z.record(z.string().min(1), value).superRefine(refuseLiteralSecrets('params')).optional(),
  headers: z.record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'a header name, e.g. X-Api-Key'), value).superRefine(refuseLiteralSecrets('headers')).optional(),
  auth: authSchema.optional(),
  paginate: paginateSchema.optional(),
  incremental: z
    .strictObject({
      /** The query parameter the last pull's largest `field` is sent in. */
      param: z.string().min(1),
      /** The record field that grows as rows are added or updated (a path of keys). */
      field: keyPath,
      /** Sent on the first pull (absent: the first pull takes everything). */
      start: z.union([z.string(), z.number()]).optional(),
    })
    .optional(),
  rate_limit: z.strictObject({ per_second: z.number().positive(), burst: z.int().min(1).optional() }).optional(),
  retries: z
    .strictObject({
      max: z.int().min(0).max(20).optional(),
      backoff: duration.optional(),
      max_backoff: duration.optional(),
    })
    .optional(),
  /** Each request's limit, headers and body together. */
  timeout: duration.optional(),
  /** Records a chunk, each chunk one landing file (default: the pull driver's). */
  chunk_rows: z.int().min(1).max(1_000_000).optional(),
});

export type HttpPullConfig = z.output<typeof httpPullSchema>;
export type HttpPaginate = NonNullable<HttpPullConfig['paginate']>;
export type HttpValue = z.output<typeof value>;

/** `data` and `$.data` name the same keys: `['data']`. */
export function keysOf(path: string): string[] {
  return path.replace(/^\$\./, '').split('.');
}
