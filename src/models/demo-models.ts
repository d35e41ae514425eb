/** The four demo models `silt demo` copies into a new project's models/ folder. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_MODELS = ['customer_lifetime_value', 'daily_sales', 'orders_by_status', 'sensor_hourly_summary'] as const;

/**
 * The folder holding the demo `.sql` files. They live in the source tree (the compiler does not copy
 * them), and this code runs from `src/models/`, `dist/models/` or the CLI bundle, so the checkout is
 * found by looking upward from here.
 */
export function demoModelsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'src', 'models', 'demo');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`demo: no src/models/demo/ in ${here} or any folder above it`);
  }
}
