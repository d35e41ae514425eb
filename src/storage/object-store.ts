import type { Readable } from 'node:stream';
import { InvalidInput } from '../errors.js';

/**
 * The object store: every file Silt keeps (landing files, Parquet data, Iceberg metadata) lives
 * here under a key relative to the store's root. A local folder by default, or an S3 bucket,
 * through this same interface.
 */
export interface ObjectInfo {
  key: string;
  size: number;
  modifiedMs: number;
}

export interface PutOptions {
  /** Write only if no object exists under the key. `put` then returns false when one does. */
  ifAbsent?: boolean;
  /**
   * Write only while the object is still at this version (`getVersioned`'s): `put` returns false,
   * changing nothing, when another write came first or the object is gone. Only a store whose
   * `swaps` is true takes it; another refuses it (InvalidInput).
   */
  ifMatch?: string;
}

/** An object's bytes and the version they are (S3's ETag): what a compare-and-swap compares. */
export interface Versioned {
  data: Buffer;
  version: string;
}

/** A byte range of an object: from `offset`, `length` bytes (to the end when left out). */
export interface ByteRange {
  offset: number;
  length?: number;
}

export interface ListOptions {
  /**
   * Also list what interrupted writes left behind (a local store's temporary files), which a
   * normal listing never shows; vacuum removes them.
   */
  leftovers?: boolean;
}

/** How DuckDB reaches the store's objects: what the store can do for the engine. */
export interface EngineAccess {
  /**
   * DuckDB reads and writes objects in place, at `enginePath` (a local folder; S3 with `setup`).
   * When false, DuckDB cannot reach the store: `engineFiles` copies the objects it is given to a
   * local folder first, and DuckDB must not write to the store.
   */
  readonly inPlace: boolean;
  /** Statements DuckDB runs once before it touches the store (e.g. `CREATE SECRET` for S3); none for a local folder. */
  readonly setup: readonly string[];
}

export interface ObjectStore {
  /** What DuckDB needs to reach the store. */
  readonly engine: EngineAccess;
  /**
   * Iceberg FileIO properties other engines need to read the store's files (e.g. `s3.endpoint`),
   * never credentials: those come from each reader's own environment. None for a local folder.
   */
  readonly fileIoProperties: Readonly<Record<string, string>>;
  /**
   * Whether the store can compare-and-swap an object: `put` with `ifMatch` replaces it only while
   * it is the version read (S3's conditional PUT with `If-Match`). When false, a pointer that must
   * not lose a race is swapped through the metadata store instead.
   */
  readonly swaps: boolean;
  /** Fully qualified URI of the store root, ending in '/', e.g. `file:///srv/lake/`. */
  readonly rootUri: string;
  /** Fully qualified URI of a key (Iceberg metadata records these). */
  uri(key: string): string;
  /** The key of a URI inside this store; throws InvalidInput for a URI outside it. */
  keyOf(uri: string): string;
  /**
   * Where DuckDB sees this key (a local path, an s3:// URI, a copy's path), whether or not anything
   * is there: for naming only. DuckDB is handed data through `engineFiles` and `engineFolder`.
   */
  enginePath(key: string): string;
  /**
   * The locations DuckDB reads these keys at, ready to read: a store DuckDB reads in place gives
   * `enginePath`s; another copies the objects there first (NotFound when one is missing).
   */
  engineFiles(keys: readonly string[]): Promise<string[]>;
  /**
   * Where DuckDB writes files under this key prefix, ready to write (a local store makes the
   * folders, as DuckDB makes only the last one). A store DuckDB cannot reach refuses.
   */
  engineFolder(prefix: string): Promise<string>;
  /**
   * DuckDB has finished writing these files (keys under an `engineFolder`): they become objects.
   * Nothing to do for a store DuckDB writes in place; one it writes through a local folder
   * uploads them (in parts when large).
   */
  engineWritten(keys: readonly string[]): Promise<void>;
  /**
   * Drops what DuckDB wrote under an `engineFolder(prefix)` whose keys `match` and that must not
   * become objects (a failed or empty write's files), wherever the store keeps them.
   */
  engineDiscard(prefix: string, match: (key: string) => boolean): Promise<void>;
  get(key: string): Promise<Buffer>;
  /** The object's bytes and version, or undefined when there is no object under the key. */
  getVersioned(key: string): Promise<Versioned | undefined>;
  /**
   * The bytes of `range` (NotFound when missing). A range reaching past the end gives the bytes
   * there are, so an offset at or past the end gives none; a negative offset or length is InvalidInput.
   */
  read(key: string, range: ByteRange): Promise<Buffer>;
  /** The object's bytes (or a range of them) as a stream; NotFound, before any byte, when missing. */
  stream(key: string, range?: ByteRange): Promise<Readable>;
  /** Atomic: a reader sees either no object or the whole new one, never a torn write. */
  put(key: string, data: Uint8Array | string, options?: PutOptions): Promise<boolean>;
  /**
   * Writes the object from a stream of chunks, atomically as `put` does: when the stream ends the
   * whole object appears; when it fails (or is destroyed) nothing does, and the error is thrown.
   */
  putStream(key: string, data: AsyncIterable<Uint8Array>): Promise<void>;
  /**
   * Every object whose key starts with `prefix`, recursively, sorted by key (code unit order);
   * an object being written is not listed until its put completes.
   */
  list(prefix: string, options?: ListOptions): Promise<ObjectInfo[]>;
  /** Removes the object; a missing key (or a key that is only a prefix of others) is not an error. */
  delete(key: string): Promise<void>;
  /** Whether an object is stored under exactly this key (a prefix of other keys is not one). */
  exists(key: string): Promise<boolean>;
  /** The object's length in bytes (NotFound when missing). */
  size(key: string): Promise<number>;
  /** The SHA-256 of the object's bytes as lowercase hex, read as a stream (NotFound when missing). */
  sha256(key: string): Promise<string>;
}

/** The refusal of `ifMatch` by a store that cannot swap objects. */
export function cannotSwap(store: ObjectStore, key: string): InvalidInput {
  return new InvalidInput(`storage: ${store.uri(key)}: this store cannot replace an object only while it is unchanged (If-Match); swap the pointer through the metadata store`);
}

/** Joins key parts with '/', dropping empty parts and duplicate slashes. */
export function joinKey(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split('/'))
    .filter((p) => p.length > 0)
    .join('/');
}

/** The range with its numbers checked: whole and not negative. */
export function checkRange(key: string, range: ByteRange): ByteRange {
  const ok = (n: number | undefined) => n === undefined || (Number.isSafeInteger(n) && n >= 0);
  if (!ok(range.offset) || !ok(range.length)) {
    throw new InvalidInput(`storage: ${key}: byte range ${JSON.stringify(range)} must have a whole, non-negative offset and length`);
  }
  return range;
}

/** A key is '/'-separated names, none empty, `.` or `..` (the empty key is the store's root). */
export function checkKey(key: string): string {
  if (key === '') return key;
  if (key.split('/').some((p) => p === '' || p === '.' || p === '..')) {
    throw new InvalidInput(`storage: key ${JSON.stringify(key)} is not a key (no empty, '.' or '..' parts)`);
  }
  return key;
}
