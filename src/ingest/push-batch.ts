import type { PushRecords } from './push-body.js';
import type { PushSettings } from './push-config.js';

/** One push waiting in a batch: its records, its idempotency key, and who waits for the answer. */
export interface BatchEntry {
  records: PushRecords;
  key?: { key: string; bodySha256: string };
  resolve(file: string): void;
  reject(e: unknown): void;
}

/** A closed batch: what goes into one file. */
export interface Batch {
  kind: PushRecords['kind'];
  header: string;
  text: string;
  rows: number;
  entries: BatchEntry[];
}

/** Writes a closed batch as one file and returns its key; every entry is answered by the caller of this. */
export type WriteBatch = (batch: Batch) => Promise<string>;

interface OpenBatch extends Batch {
  parts: string[];
  bytes: number;
  timer: NodeJS.Timeout;
}

/**
 * A source's pushes gathered into batches: NDJSON records all in one, CSV/TSV records in one per
 * header (rows under different headers cannot share a file). A batch closes when it reaches
 * `batchBytes` or `batchWaitMs` after its first push, and is written as one file; each push is
 * answered with that file once the write returned, or fails with the write.
 */
export class PushBuffer {
  private readonly open = new Map<string, OpenBatch>();
  private readonly writing = new Set<Promise<void>>();

  constructor(
    private readonly settings: PushSettings,
    private readonly write: WriteBatch,
  ) {}

  /** Adds a push; resolves to the file its records are in once that file is durable. */
  add(records: PushRecords, key?: BatchEntry['key']): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const group = `${records.kind}\n${records.header}`;
      const size = Buffer.byteLength(records.text);
      const current = this.open.get(group);
      if (current && current.bytes + size > this.settings.batchBytes) this.close(group);
      const batch = this.open.get(group) ?? this.start(group, records);
      batch.parts.push(records.text);
      batch.bytes += size;
      batch.rows += records.rows;
      batch.entries.push({ records, ...(key ? { key } : {}), resolve, reject });
      if (batch.bytes >= this.settings.batchBytes) this.close(group);
    });
  }

  /** Closes every open batch and waits until every batch is written (or failed). */
  async flush(): Promise<void> {
    for (const group of [...this.open.keys()]) this.close(group);
    while (this.writing.size > 0) await Promise.allSettled([...this.writing]);
  }

  private start(group: string, records: PushRecords): OpenBatch {
    const batch: OpenBatch = {
      kind: records.kind,
      header: records.header,
      text: '',
      rows: 0,
      entries: [],
      parts: [],
      bytes: Buffer.byteLength(records.header),
      timer: setTimeout(() => this.close(group), this.settings.batchWaitMs),
    };
    this.open.set(group, batch);
    return batch;
  }

  private close(group: string): void {
    const batch = this.open.get(group);
    if (!batch) return;
    this.open.delete(group);
    clearTimeout(batch.timer);
    batch.text = batch.header + batch.parts.join('');
    const done: Promise<void> = this.write(batch).then(
      (file) => batch.entries.forEach((e) => e.resolve(file)),
      (e: unknown) => batch.entries.forEach((entry) => entry.reject(e)),
    );
    this.writing.add(done);
    void done.finally(() => this.writing.delete(done));
  }
}
