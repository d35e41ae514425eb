/** The four demo models `silt demo` copies into a new project's models/ folder. */
import { fileURLToPath } from 'node:url';

export const DEMO_MODELS = ['customer_lifetime_value', 'daily_sales', 'orders_by_status', 'sensor_hourly_summary'] as const;

/**
 * The folder holding the demo `.sql` files. They live in the source tree (the compiler does not copy
 * them), so this resolves from both `src/models/` and `dist/models/`.
 */
export function demoModelsDir(): string {
  return fileURLToPath(new URL('../../src/models/demo/', import.meta.url));
}
