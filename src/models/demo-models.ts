/** The four demo models `silt demo` copies into a new project's models/ folder. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_MODELS = ['customer_lifetime_value', 'daily_sales', 'orders_by_status', 'sensor_hourly_summary'] as const;

/**
 * The folder holding the demo `.sql` files, found next to this module: the build copies them to
 * `dist/models/demo/` (beside the compiled file) and `dist/bundle/demo-models/` (beside the CLI
 * bundle), so an install of `dist/` alone runs `silt demo`.
 */
export function demoModelsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const found = [path.join(here, 'demo'), path.join(here, 'demo-models')].find((d) => existsSync(path.join(d, `${DEMO_MODELS[0]}.sql`)));
  if (!found) throw new Error(`demo: the demo models are not beside ${here} (in demo/ or demo-models/); rebuild Silt`);
  return found;
}
