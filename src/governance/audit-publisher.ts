import type { Catalog } from '../catalog/index.js';
import type { Engine } from '../engine/index.js';
import { publishAudit } from './audit.js';

/**
 * Publishes the audit log kept in the metadata store to `system.audit` every `everyMs` (what
 * `silt audit publish` does by hand), one publish at a time; `stop` waits for the one running.
 */
export function startAuditPublisher(
  catalog: Catalog,
  openEngine: () => Promise<Engine>,
  opts: { everyMs: number; onError?: (e: unknown) => void; onPublished?: (added: number) => void },
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const publish = async (): Promise<void> => {
    const engine = await openEngine();
    try {
      // Not inside `onPublished?.(…)`: with no callback, optional chaining would skip the publish itself.
      const added = await publishAudit(catalog, engine);
      opts.onPublished?.(added);
    } finally {
      engine.close();
    }
  };
  const timer = setInterval(() => {
    if (running) return;
    running = publish()
      .catch((e: unknown) => opts.onError?.(e))
      .finally(() => (running = undefined));
  }, opts.everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
