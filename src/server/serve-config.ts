import { z } from 'zod';
import { isDuration, parseDuration, parseSize, type ProjectConfig } from '../config/index.js';
import { DEFAULT_MANIFEST_CACHE_BYTES, ManifestCache } from '../table/index.js';
import type { Project } from '../project/index.js';

const duration = z.string().refine(isDuration, 'a duration such as 500ms, 30s or 5m');
const sizeOrOff = z.string().refine((s) => s === 'off' || /^\d+(\.\d+)?\s*(b|kb|mb|gb|kib|mib|gib)?$/i.test(s.trim()), 'a size such as 64MiB, or off');

/** silt.yaml's `serve:` section: where `silt serve` listens and how its executor runs jobs. */
const serveSectionSchema = z.strictObject({
  host: z.string().min(1).optional(),
  port: z.number().int().min(0).max(65_535).optional(),
  /** Jobs at once; pipeline runs stay one at a time (the run lock), maintenance tasks fill the rest. */
  concurrency: z.number().int().min(1).max(64).optional(),
  /** Retries of a step that failed for a passing reason (the machine's, out of memory). */
  retries: z.number().int().min(0).max(20).optional(),
  retry_backoff: duration.optional(),
  step_timeout: duration.optional(),
  run_timeout: duration.optional(),
  /** How long a stop lets a running run finish before it stops it (its job resumes on restart). */
  shutdown_grace: duration.optional(),
  /** Whether files arriving in landing start runs (default true); false leaves them to schedules and requests. */
  watch_landing: z.boolean().optional(),
  /** How often the audit log is published to system.audit (default 5m); off publishes only on `silt audit publish`. */
  audit_publish: z.union([duration, z.literal('off')]).optional(),
  /** Whether this server runs the jobs it queues (default true); false leaves them to `silt worker`s. */
  execute: z.boolean().optional(),
  /** Landing files per ingest task that any worker may take (default 16); 0 ingests each run in one process. */
  ingest_task_files: z.number().int().min(0).max(100_000).optional(),
  /** Bytes of decoded manifests kept across statements (default 64MiB); off reads them for every statement. */
  manifest_cache: sizeOrOff.optional(),
});

export interface ServeSettings {
  host: string;
  port: number;
  concurrency: number;
  retries: number;
  retryBackoffMs: number;
  stepTimeoutMs?: number;
  runTimeoutMs?: number;
  shutdownGraceMs: number;
  watchLanding: boolean;
  /** Milliseconds between publishes of the audit log to system.audit; 0 for never. */
  auditPublishMs: number;
  execute: boolean;
  ingestTaskFiles: number;
  /** Bytes of manifest files whose decoded entries stay cached; 0 for none. */
  manifestCacheBytes: number;
}

export const SERVE_DEFAULTS: ServeSettings = { host: '127.0.0.1', port: 7878, concurrency: 1, retries: 2, retryBackoffMs: 1_000, shutdownGraceMs: 30_000, watchLanding: true, auditPublishMs: 5 * 60_000, execute: true, ingestTaskFiles: 16, manifestCacheBytes: DEFAULT_MANIFEST_CACHE_BYTES };

/** The settings of silt.yaml's `serve:` over the defaults, then `flags` (the command line's) over both. */
export function serveSettings(config: ProjectConfig, flags: Partial<ServeSettings> = {}): ServeSettings {
  const s = config.section('serve', serveSectionSchema) ?? {};
  const ms = (key: string, v: string | undefined) => (v === undefined ? undefined : parseDuration(v, `serve.${key}`));
  const fromFile: Partial<ServeSettings> = {
    host: s.host,
    port: s.port,
    concurrency: s.concurrency,
    retries: s.retries,
    retryBackoffMs: ms('retry_backoff', s.retry_backoff),
    stepTimeoutMs: ms('step_timeout', s.step_timeout),
    runTimeoutMs: ms('run_timeout', s.run_timeout),
    shutdownGraceMs: ms('shutdown_grace', s.shutdown_grace),
    watchLanding: s.watch_landing,
    auditPublishMs: s.audit_publish === 'off' ? 0 : ms('audit_publish', s.audit_publish),
    execute: s.execute,
    ingestTaskFiles: s.ingest_task_files,
    manifestCacheBytes: s.manifest_cache === undefined ? undefined : s.manifest_cache === 'off' ? 0 : parseSize(s.manifest_cache, 'serve.manifest_cache'),
  };
  const defined = (o: Partial<ServeSettings>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return { ...SERVE_DEFAULTS, ...defined(fromFile), ...defined(flags) };
}

/** A long-running process keeps decoded manifests across statements, as `serve.manifest_cache` allows. */
export function cacheManifests(project: Project, settings: ServeSettings): void {
  if (settings.manifestCacheBytes > 0) project.catalog.manifestCache ??= new ManifestCache(settings.manifestCacheBytes);
}
