import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { InvalidInput, NotFound } from '../errors.js';
import { checkKey, checkRange, type ByteRange, type EngineAccess, type ListOptions, type ObjectInfo, type ObjectStore, type PutOptions, type Versioned } from './object-store.js';

/**
 * An object store held in memory: a store that is not a folder, which proves that callers reach
 * data only by key. DuckDB cannot read memory, so `engineFiles` copies the objects it is asked
 * for into a private temporary folder (removed by `dispose`) and DuckDB reads those copies.
 */
export class MemoryStore implements ObjectStore {
  readonly rootUri = `memory://${randomUUID()}/`;
  readonly engine: EngineAccess = { inPlace: false, setup: [] };
  readonly fileIoProperties = {};
  /** One process holds it, so a compare and a set with no await between them are one step. */
  readonly swaps = true;
  private readonly objects = new Map<string, { data: Uint8Array; modifiedMs: number; version: number }>();
  private versions = 0;
  private readonly copies = path.join(os.tmpdir(), `silt-memory-store-${randomUUID()}`);
  /** The bytes each copy was made from: an object asked for again, unchanged, is not copied again. */
  private readonly copied = new Map<string, Uint8Array>();

  uri(key: string): string {
    return this.rootUri + checkKey(key);
  }

  keyOf(uri: string): string {
    if (!uri.startsWith(this.rootUri)) throw new InvalidInput(`storage: ${uri} is outside the store at ${this.rootUri}`);
    return uri.slice(this.rootUri.length);
  }

  enginePath(key: string): string {
    return path.join(this.copies, ...checkKey(key).split('/'));
  }

  async engineFiles(keys: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (const key of keys) {
      const file = this.enginePath(key);
      const { data } = this.object(key);
      if (this.copied.get(key) !== data) {
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(file, data);
        this.copied.set(key, data);
      }
      out.push(file);
    }
    return out;
  }

  async engineFolder(prefix: string): Promise<string> {
    throw new InvalidInput(`storage: DuckDB cannot write to ${this.uri(prefix)}: a memory store is read through copies`);
  }

  async engineWritten(_keys: readonly string[]): Promise<void> {}

  async engineDiscard(_prefix: string, _match: (key: string) => boolean): Promise<void> {}

  /** Removes the copies made for DuckDB. */
  async dispose(): Promise<void> {
    this.copied.clear();
    await fs.rm(this.copies, { recursive: true, force: true });
  }

  async get(key: string): Promise<Buffer> {
    return Buffer.from(Uint8Array.from(this.object(key).data));
  }

  async getVersioned(key: string): Promise<Versioned | undefined> {
    const o = this.objects.get(checkKey(key));
    return o && { data: Buffer.from(Uint8Array.from(o.data)), version: String(o.version) };
  }

  async read(key: string, range: ByteRange): Promise<Buffer> {
    const { offset, length } = checkRange(key, range);
    const data = this.object(key).data;
    return Buffer.from(data.slice(offset, length === undefined ? undefined : offset + length));
  }

  async stream(key: string, range: ByteRange = { offset: 0 }): Promise<Readable> {
    const bytes = await this.read(key, range);
    return Readable.from(bytes.length ? [bytes] : []);
  }

  async put(key: string, data: Uint8Array | string, options: PutOptions = {}): Promise<boolean> {
    checkKey(key);
    if (options.ifAbsent && this.objects.has(key)) return false;
    if (options.ifMatch !== undefined && String(this.objects.get(key)?.version) !== options.ifMatch) return false;
    this.objects.set(key, { data: typeof data === 'string' ? new TextEncoder().encode(data) : Uint8Array.from(data), modifiedMs: Date.now(), version: ++this.versions });
    return true;
  }

  async putStream(key: string, data: AsyncIterable<Uint8Array>): Promise<void> {
    checkKey(key);
    const chunks: Uint8Array[] = [];
    for await (const chunk of data) chunks.push(chunk);
    const whole = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    chunks.reduce((at, c) => (whole.set(c, at), at + c.length), 0);
    this.objects.set(key, { data: whole, modifiedMs: Date.now(), version: ++this.versions });
  }

  async list(prefix: string, _options: ListOptions = {}): Promise<ObjectInfo[]> {
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, o]) => ({ key, size: o.data.length, modifiedMs: o.modifiedMs }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
    // DuckDB must not go on reading a deleted object's copy.
    if (this.copied.delete(key)) await fs.rm(this.enginePath(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    return this.objects.has(key);
  }

  async size(key: string): Promise<number> {
    return this.object(key).data.length;
  }

  async sha256(key: string): Promise<string> {
    return createHash('sha256').update(this.object(key).data).digest('hex');
  }

  private object(key: string): { data: Uint8Array; modifiedMs: number } {
    const o = this.objects.get(key);
    if (!o) throw new NotFound(`storage: no object at ${key}`);
    return o;
  }
}
