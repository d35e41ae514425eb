import { z } from 'zod';
import { isDuration, parseDuration, type ProjectConfig } from '../config/index.js';

/** A duration in silt.yaml (`500ms`, `30s`, `5m`, `2h`, `1d`), read as milliseconds. */
const durationSchema = z.string().transform((text, ctx) => {
  const ms = isDuration(text) ? parseDuration(text, 'alerts') : 0;
  if (ms <= 0) {
    ctx.addIssue({ code: 'custom', message: 'a duration such as 500ms, 30s, 5m, 2h or 1d' });
    return z.NEVER;
  }
  return ms;
});

const TABLE = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/, 'a table as namespace.name');
const ENV_NAME = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the name of an environment variable');

const channelSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }),
    /** Extra request headers (an auth token's header name, say; its value comes from `headers_env`). */
    headers: z.record(z.string(), z.string()).default({}),
    headers_env: z.record(z.string(), ENV_NAME).default({}),
  }),
  z.strictObject({ type: z.literal('slack'), url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }) }),
  z.strictObject({
    type: z.literal('email'),
    host: z.string().min(1),
    port: z.int().min(1).max(65535).default(587),
    /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    from: z.string().min(3),
    to: z.union([z.string().min(3), z.array(z.string().min(3)).min(1)]),
    /** Environment variables holding the SMTP login: credentials never sit in silt.yaml. */
    user_env: ENV_NAME.optional(),
    password_env: ENV_NAME.optional(),
  }),
], { error: 'one of webhook, slack, email' });

const common = { channels: z.array(z.string()).min(1).optional() };

const ruleSchema = z.discriminatedUnion('kind', [
  /** A run that ends failed; resolved by the next run that succeeds. */
  z.strictObject({ kind: z.literal('run_failed'), ...common }),
  /** Rows failing an expectation, as a share of the rows a step read, above `above` (0..1). */
  z.strictObject({ kind: z.literal('expectations'), table: TABLE.optional(), rule: z.string().min(1).optional(), above: z.number().min(0).max(1), ...common }),
  /** No commit to `table` for longer than `after`. */
  z.strictObject({ kind: z.literal('stale'), table: TABLE, after: durationSchema, ...common }),
  /**
   * The rows the table's latest commit added are more than `factor` times, or less than
   * 1/`factor` of, the median of the `history` commits before it (evaluated once 3 are there).
   */
  z.strictObject({ kind: z.literal('row_count'), table: TABLE, factor: z.number().gt(1).default(3), history: z.int().min(3).max(100).default(10), ...common }),
], { error: 'one of run_failed, expectations, stale, row_count' });

export const alertsSectionSchema = z
  .strictObject({
    channels: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/), channelSchema).default({}),
    rules: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/), ruleSchema).default({}),
    /** How often the server checks staleness between runs. */
    check_every: durationSchema.default(60_000),
    /** Attempts per delivery, waiting `backoff`, then twice that, … between them. */
    retry: z.strictObject({ attempts: z.int().min(1).max(20).default(4), backoff: durationSchema.default(1000) }).default({ attempts: 4, backoff: 1000 }),
  })
  .superRefine((a, ctx) => {
    const names = Object.keys(a.channels);
    for (const [name, rule] of Object.entries(a.rules)) {
      if (!rule.channels && names.length === 0) ctx.addIssue({ code: 'custom', path: ['rules', name], message: 'no channel to deliver to; declare one under alerts.channels' });
      for (const [i, c] of (rule.channels ?? []).entries()) {
        if (!names.includes(c)) ctx.addIssue({ code: 'custom', path: ['rules', name, 'channels', i], message: `a channel declared under alerts.channels (${names.join(', ') || 'none is'})` });
      }
    }
  });

export type AlertsConfig = z.output<typeof alertsSectionSchema>;
export type AlertChannel = AlertsConfig['channels'][string];
export type AlertRule = AlertsConfig['rules'][string];

/** silt.yaml's `alerts:` section, validated (errors name the rule or channel and the key), or undefined. */
export function alertsConfig(config: ProjectConfig): AlertsConfig | undefined {
  return config.section('alerts', alertsSectionSchema);
}

/** The channels a rule delivers to: those it names, else every declared one. */
export function channelsOf(config: AlertsConfig, ruleName: string): [string, AlertChannel][] {
  const names = config.rules[ruleName]?.channels ?? Object.keys(config.channels);
  return names.map((n) => [n, config.channels[n]!]);
}
