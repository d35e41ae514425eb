import { z } from 'zod';
import { SIZE_UNITS } from '../config/index.js';

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

const size = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(B|KB|MB|GB|KiB|MiB|GiB)$/i, 'a size such as 512KiB, 8MiB or 16MB')
  .transform((text) => {
    const m = /^([\d.]+)\s*([a-z]+)$/i.exec(text)!;
    return Math.floor(Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]!);
  })
  .refine((n) => n >= 1, 'at least one byte');

const duration = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'a duration such as 200ms, 1s or 5m')
  .transform((text) => {
    const m = /^([\d.]+)([a-z]+)$/.exec(text)!;
    return Number(m[1]) * DURATION_UNITS[m[2]!]!;
  });

/**
 * `push:` under a source in silt.yaml: how HTTP pushes to the source are batched into landing files.
 *
 * ```yaml
 * sources:
 *   iot:
 *     format: ndjson
 *     push:
 *       batch_bytes: 8MiB   # a batch file closes at this size …
 *       batch_wait: 200ms   # … or this long after its first push, whichever comes first
 *       max_body: 16MiB     # a bigger request is refused (413) before it is read
 * ```
 */
export const pushSchema = z.strictObject({
  batch_bytes: size.optional(),
  batch_wait: duration.optional(),
  max_body: size.optional(),
});

export type PushConfig = z.output<typeof pushSchema>;

export interface PushSettings {
  batchBytes: number;
  batchWaitMs: number;
  maxBodyBytes: number;
}

export const PUSH_DEFAULTS: PushSettings = { batchBytes: 8 * 2 ** 20, batchWaitMs: 200, maxBodyBytes: 16 * 2 ** 20 };

export function pushSettings(config: PushConfig | undefined): PushSettings {
  return {
    batchBytes: config?.batch_bytes ?? PUSH_DEFAULTS.batchBytes,
    batchWaitMs: config?.batch_wait ?? PUSH_DEFAULTS.batchWaitMs,
    maxBodyBytes: config?.max_body ?? PUSH_DEFAULTS.maxBodyBytes,
  };
}
