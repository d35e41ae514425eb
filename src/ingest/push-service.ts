import { createHash } from 'node:crypto';
import type { Catalog } from '../catalog/index.js';
import { didYouMean, PROJECT_FILE, type ProjectConfig } from '../config/index.js';
import { EnvironmentFault, InvalidInput, NotFound } from '../errors.js';
import type { ObjectStore } from '../storage/index.js';
import { PushBuffer, type Batch } from './push-batch.js';
import { pushMedia, readPushBody } from './push-body.js';
import { pushSettings, type PushSettings } from './push-config.js';
import { gzipNamed, pushFileKey } from './push-file.js';
import { landingPrefix, sourcesSchema, type SourceConfig } from './source-config.js';

/** What a push is answered with: the landing file its records are in, durable. */
export interface PushAnswer {
  source: string;
  file: string;
  rows: number;
  /** True when this is a retry of a push already taken under the same idempotency key: nothing new was written. */
  replayed: boolean;
}

export interface PushRequest {
  source: string;
  contentType: string | undefined;
  body: Uint8Array;
  /** The client's Idempotency-Key: a push retried with it lands once. */
  key?: string;
}

export interface PushServiceOptions {
  /** How long a done key is remembered (default 24 h): a retry after that is a new push. */
  keyRetentionMs?: number;
}

export const KEY_RETENTION_MS = 24 * 3_600_000;
const MAX_KEY_CHARS = 255;

/**
 * HTTP push into landing: each source's pushes are batched (see PushBuffer) and each batch is put
 * as one landing file, which the file watcher then ingests like any other (the ingest ledger takes
 * each file once). A push is answered only once its file is durable. With an idempotency key, the
 * key is recorded `pending` with its file before the put and `done` after; a crash in between is
 * settled when the service next opens, by whether the file is there.
 */
export class PushService {
  private readonly buffers = new Map<string, PushBuffer>();
  private readonly inFlight = new Map<string, Promise<PushAnswer & { bodySha256: string }>>();
  private readonly expiry: NodeJS.Timeout;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly catalog: Catalog,
    private readonly store: ObjectStore,
    private readonly sources: Readonly<Record<string, SourceConfig>>,
    private readonly retentionMs: number,
  ) {
    this.expiry = setInterval(() => void this.expire().catch(() => undefined), Math.min(retentionMs, 3_600_000));
    this.expiry.unref();
  }

  /** Opens the service, settling the keys a crash left pending and forgetting expired ones. */
  static async open(catalog: Catalog, config: ProjectConfig, opts: PushServiceOptions = {}): Promise<PushService> {
    const sources = config.section('sources', sourcesSchema) ?? {};
    const service = new PushService(catalog, catalog.store, sources, opts.keyRetentionMs ?? KEY_RETENTION_MS);
    for (const k of await catalog.pushKeys.pending()) await service.settle(k.source, k.key, k.file);
    await service.expire();
    return service;
  }

  /**
   * The push settings of a declared source, once the source (NotFound naming the sources there
   * are) and the body's media type (415 naming those the source takes) are known to fit; asked
   * before the body is read.
   */
  accept(source: string, contentType: string | undefined): PushSettings {
    const config = this.sourceConfig(source);
    pushMedia(source, config, contentType);
    return pushSettings(config.push);
  }

  /** Takes a push: validates it, batches it, and resolves once its file is durable (or replays a key's first answer). */
  async push(req: PushRequest): Promise<PushAnswer> {
    const config = this.sourceConfig(req.source);
    const media = pushMedia(req.source, config, req.contentType);
    if (this.closing) throw stopping();
    const records = readPushBody(req.source, config, media, req.body);
    if (req.key === undefined) return { source: req.source, file: await this.buffer(req.source).add(records), rows: records.rows, replayed: false };
    const key = req.key;
    if (key === '' || key.length > MAX_KEY_CHARS) {
      throw new InvalidInput(`push: Idempotency-Key must be 1 to ${MAX_KEY_CHARS} characters`, { code: 'bad_idempotency_key', details: { key: req.source } });
    }
    const bodySha256 = createHash('sha256').update(req.body).digest('hex');
    const slot = `${req.source}\n${key}`;
    for (;;) {
      const earlier = this.inFlight.get(slot);
      if (earlier) {
        // A retry while the first is in flight waits for it; if the first failed, this one is the push.
        const first = await earlier.catch(() => undefined);
        if (first) return replay(first, bodySha256, key);
        continue;
      }
      const work = (async () => {
        const known = await this.catalog.pushKeys.get(req.source, key);
        if (known?.state === 'pending') await this.settle(req.source, key, known.file);
        const settled = known?.state === 'pending' ? await this.catalog.pushKeys.get(req.source, key) : known;
        if (settled?.state === 'done') return { source: req.source, file: settled.file, rows: settled.rows, replayed: true, bodySha256: settled.bodySha256 };
        const file = await this.buffer(req.source).add(records, { key, bodySha256 });
        return { source: req.source, file, rows: records.rows, replayed: false, bodySha256 };
      })();
      this.inFlight.set(slot, work);
      try {
        const answer = await work;
        return answer.replayed ? replay(answer, bodySha256, key) : strip(answer);
      } finally {
        if (this.inFlight.get(slot) === work) this.inFlight.delete(slot);
      }
    }
  }

  /** Takes no more pushes, writes every open batch and waits for them; pushes in flight are answered. */
  close(): Promise<void> {
    clearInterval(this.expiry);
    return (this.closing ??= (async () => {
      await Promise.all([...this.buffers.values()].map((b) => b.flush()));
    })());
  }

  private sourceConfig(source: string): SourceConfig {
    const config = Object.hasOwn(this.sources, source) ? this.sources[source] : undefined;
    if (config) return config;
    const all = Object.keys(this.sources);
    const hint = didYouMean(source, all);
    throw new NotFound(`push: no source ${source} in ${PROJECT_FILE}${hint ? ` (did you mean ${hint}?)` : ''}; sources: ${all.join(', ') || 'none declared'}`, {
      code: 'source_not_found',
      details: { key: source },
    });
  }

  private buffer(source: string): PushBuffer {
    // A keyed push that looked up its key while the service closed must not open a batch after the last flush.
    if (this.closing) throw stopping();
    let buffer = this.buffers.get(source);
    if (!buffer) {
      buffer = new PushBuffer(pushSettings(this.sourceConfig(source).push), (batch) => this.writeBatch(source, batch));
      this.buffers.set(source, buffer);
    }
    return buffer;
  }

  /** Puts a closed batch as one landing file, its keys pending around the put. */
  private async writeBatch(source: string, batch: Batch): Promise<string> {
    const file = pushFileKey(landingPrefix(source, this.sources[source]!), batch.kind, Date.now());
    const keyed = batch.entries.flatMap((e) => (e.key ? [{ ...e.key, rows: e.records.rows }] : []));
    const now = Date.now();
    try {
      await this.catalog.pushKeys.begin(keyed.map((k) => ({ source, key: k.key, file, rows: k.rows, bodySha256: k.bodySha256, createdMs: now })));
    } catch (e) {
      throw new EnvironmentFault(`push: source ${source}: cannot record the idempotency keys of a batch (${message(e)}); nothing was written, retry`, { cause: e, details: { key: source } });
    }
    const name = file.slice(file.lastIndexOf('/') + 1).replace(/\.gz$/, '');
    try {
      await this.store.put(file, gzipNamed(batch.text, name), { ifAbsent: true });
    } catch (e) {
      // What became of the batch follows the file: one that is there will be ingested.
      if (!(await this.store.exists(file).catch(() => false))) {
        await this.catalog.pushKeys.drop(source, keyed.map((k) => k.key)).catch(() => undefined);
        throw new EnvironmentFault(`push: source ${source}: cannot write ${file} (${message(e)}); nothing was written, retry`, { cause: e, details: { key: source, file } });
      }
    }
    // Left pending if this fails: the next look at the key (or the next start) finds the file there.
    await this.catalog.pushKeys.finish(source, keyed.map((k) => k.key)).catch(() => undefined);
    return file;
  }

  /** A key left pending: done if its file is there (or was ingested and removed), else forgotten. */
  private async settle(source: string, key: string, file: string): Promise<void> {
    const landed = (await this.store.exists(file)) || (await this.catalog.ingestedFiles.list(source)).some((f) => f.path === file);
    if (landed) await this.catalog.pushKeys.finish(source, [key]);
    else await this.catalog.pushKeys.drop(source, [key]);
  }

  private async expire(): Promise<void> {
    await this.catalog.pushKeys.expire(Date.now() - this.retentionMs);
  }
}

function strip(a: PushAnswer & { bodySha256: string }): PushAnswer {
  return { source: a.source, file: a.file, rows: a.rows, replayed: a.replayed };
}

/** The first answer again; a key reused for another body is refused, not taken for a retry. */
function replay(first: PushAnswer & { bodySha256: string }, bodySha256: string, key: string): PushAnswer {
  if (first.bodySha256 !== bodySha256) {
    throw new InvalidInput(`push: Idempotency-Key ${JSON.stringify(key)} was used for another body (in ${first.file}); use a new key for a new push`, {
      code: 'idempotency_key_reused',
      details: { key: first.source, file: first.file },
    });
  }
  return { ...strip(first), replayed: true };
}

function stopping(): EnvironmentFault {
  return new EnvironmentFault('push: the server is stopping; retry against the next one', { code: 'server_stopping' });
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
