/**
 * The price table `silt cost` uses: the `prices:` section of silt.yaml, each entry defaulting to
 * the AWS public list price (us-east-1, on demand) of the product the seeds' stack uses for it.
 * Sizes follow AWS billing: a GB of storage or a TB scanned is binary (2^30, 2^40 bytes).
 */
import { z } from 'zod';
import type { ProjectConfig } from '../config/index.js';

const price = z.number().nonnegative();
const positive = z.number().positive();

const s3Schema = z.strictObject({
  /** USD per GB-month of each storage class. */
  standard: price.default(0.023),
  standard_ia: price.default(0.0125),
  glacier: price.default(0.0036),
  deep_archive: price.default(0.00099),
  /** USD per 1,000 PUT/COPY/POST/LIST requests, and per 1,000 GET requests. */
  put_per_1000: price.default(0.005),
  get_per_1000: price.default(0.0004),
  /** The storage class that Silt's archive tier stands for. */
  archive_class: z.enum(['standard_ia', 'glacier', 'deep_archive']).default('glacier'),
});

export const pricesSchema = z.strictObject({
  currency: z.string().min(1).default('USD'),
  s3: s3Schema.prefault({}),
  athena: z
    .strictObject({ per_tb: price.default(5), min_mb_per_query: price.default(10) })
    .prefault({}),
  glue: z
    .strictObject({ per_dpu_hour: price.default(0.44), dpus: positive.default(2), min_seconds: price.default(60) })
    .prefault({}),
  lambda: z
    .strictObject({
      per_gb_second: price.default(0.0000166667),
      per_million_requests: price.default(0.2),
      /** The trigger function's memory and billed time per invocation: the shape of the AWS stack, not measured here. */
      memory_gb: positive.default(0.125),
      seconds_per_request: price.default(1),
    })
    .prefault({}),
  silt: z
    .strictObject({
      /** What Silt's own machine costs: its disk per GB-month (an EBS gp3 volume) and its hour (a t3.large). */
      disk_gb_month: price.default(0.08),
      machine_hour: price.default(0.0832),
    })
    .prefault({}),
  /** Compaction's target data file size, in MB. */
  compaction_target_mb: positive.default(128),
});

export type Prices = z.output<typeof pricesSchema>;

/** The project's prices: silt.yaml's `prices:` over the defaults, and whether any were given. */
export function projectPrices(config: ProjectConfig): { prices: Prices; declared: boolean } {
  const declared = config.section('prices', pricesSchema);
  return { prices: declared ?? pricesSchema.parse({}), declared: declared !== undefined };
}
