import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { EnvironmentFault, InvalidInput, NotFound } from '../errors.js';
import { Readable } from 'node:stream';
import { cannotSwap, checkRange, type ByteRange, type EngineAccess, type ListOptions, type ObjectInfo, type ObjectStore, type PutOptions, type Versioned } from './object-store.js';


/** A location outside the store's folder: another project's file, or this project's before it was moved. */
export class OutsideStore extends InvalidInput {
  constructor(readonly uri: string, readonly root: string) {
    super(`storage: ${uri} is outside the store at ${root}`);
  }
}

/**
 * An object store on a local folder. Writes go to a temporary file beside the target and are
 * renamed into place (atomic on POSIX); create-if-absent uses link(2), which fails if the target
 * exists, so two writers racing for one key cannot both win. A put is durable when it returns: the
 * file's bytes are synced before the rename, and its folder after, so a power cut cannot leave a
 * name pointing at lost bytes, nor lose a name a caller was told about.
 */
export class LocalStore implements ObjectStore {
  readonly rootUri: string;
  readonly engine: EngineAccess = { inPlace: true, setup: [] };
  readonly fileIoProperties = {};
  /** A rename cannot be made conditional on what it replaces: pointers swap in the metadata store. */
  readonly swaps = false;
  private readonly root: string;

  constructor(rootDir: string) {
    this.root = path.resolve(rootDir);
    this.rootUri = `file://${this.root}/`;
  }

  /**
   * Paths are not percent-encoded: Iceberg readers (Java, PyIceberg) take the path part of a file
   * URI as it is, so `ts_day=2024-01-05` must stay readable, not become `ts_day%3D2024-01-05`.
   */
  uri(key: string): string {
    return this.rootUri + key;
  }

  keyOf(uri: string): string {
    const abs = uri.startsWith('file://') ? uri.slice('file://'.length) : uri.startsWith('file:') ? uri.slice('file:'.length) : path.resolve(uri);
    const rel = path.relative(this.root, abs);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new OutsideStore(uri, this.rootUri);
    }
    return rel.split(path.sep).join('/');
  }

  enginePath(key: string): string {
    return this.pathOf(key);
  }

  async engineFiles(keys: readonly string[]): Promise<string[]> {
    return keys.map((k) => this.pathOf(k));
  }

  async engineFolder(prefix: string): Promise<string> {
    const dir = this.pathOf(prefix);
    await fs.mkdir(dir, { recursive: true }).catch((e: unknown) => {
      throw machineFault(e, 'write', dir);
    });
    return dir;
  }

  /** DuckDB wrote the files in place: they are the objects. */
  async engineWritten(_keys: readonly string[]): Promise<void> {}

  async engineDiscard(prefix: string, match: (key: string) => boolean): Promise<void> {
    for (const o of await this.list(prefix)) if (match(o.key)) await this.delete(o.key);
  }

  async get(key: string): Promise<Buffer> {
    const file = this.pathOf(key);
    try {
      return await fs.readFile(file);
    } catch (e) {
      throw missing(e, key) ?? machineFault(e, 'read', file);
    }
  }

  async getVersioned(key: string): Promise<Versioned | undefined> {
    const data = await this.get(key).catch((e: unknown) => {
      if (e instanceof NotFound) return undefined;
      throw e;
    });
    return data && { data, version: createHash('sha256').update(new Uint8Array(data)).digest('hex') };
  }

  async read(key: string, range: ByteRange): Promise<Buffer> {
    const { offset, length } = checkRange(key, range);
    const file = this.pathOf(key);
    const { handle, size } = await this.open(key);
    try {
      const want = Math.max(0, Math.min(length ?? Infinity, size - offset));
      const out = new Uint8Array(want);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await handle.read(out, got, want - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return Buffer.from(out.buffer, 0, got);
    } catch (e) {
      throw machineFault(e, 'read', file);
    } finally {
      await handle.close();
    }
  }

  async stream(key: string, range: ByteRange = { offset: 0 }): Promise<Readable> {
    const { offset, length } = checkRange(key, range);
    // Opened first, so a missing object is NotFound here rather than an error event later.
    const { handle } = await this.open(key);
    if (length === 0) {
      await handle.close();
      return Readable.from([]);
    }
    // createReadStream's `end` is inclusive.
    return handle.createReadStream({ start: offset, end: length === undefined ? Infinity : offset + length - 1, highWaterMark: 1 << 20 });
  }

  async put(key: string, data: Uint8Array | string, options: PutOptions = {}): Promise<boolean> {
    if (options.ifMatch !== undefined) throw cannotSwap(this, key);
    const target = this.pathOf(key);
    const tmp = `${target}.${randomUUID()}.tmp`;
    try {
      const made = await fs.mkdir(path.dirname(target), { recursive: true });
      await writeSynced(tmp, data);
      if (!options.ifAbsent) {
        await fs.rename(tmp, target);
      } else {
        try {
          await fs.link(tmp, target);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
          throw e;
        }
      }
      await syncFolders(target, made);
      return true;
    } catch (e) {
      throw machineFault(e, 'write', target);
    } finally {
      // Never replaces the write's own error; a temporary file left is what vacuum removes.
      await fs.rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  async putStream(key: string, data: AsyncIterable<Uint8Array>): Promise<void> {
    const target = this.pathOf(key);
    const tmp = `${target}.${randomUUID()}.tmp`;
    try {
      const made = await fs.mkdir(path.dirname(target), { recursive: true });
      await pipeline(data, createWriteStream(tmp));
      await syncFile(tmp);
      await fs.rename(tmp, target);
      await syncFolders(target, made);
    } catch (e) {
      throw machineFault(e, 'write', target);
    } finally {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ObjectInfo[]> {
    // Walk from the deepest folder the prefix names, then filter by the full prefix.
    const slash = prefix.lastIndexOf('/');
    const dirKey = slash >= 0 ? prefix.slice(0, slash) : '';
    const out: ObjectInfo[] = [];
    await this.walk(dirKey, out);
    return out
      .filter((o) => o.key.startsWith(prefix) && (options.leftovers || !TEMPORARY.test(o.key))).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    await fs.rm(file, { force: true }).catch((e: unknown) => {
      // A folder is no object: on a store of keys, `d` is only a prefix of `d/x`.
      if (isFolder(e)) return;
      throw machineFault(e, 'delete', file);
    });
  }

  async exists(key: string): Promise<boolean> {
    return (await fs.stat(this.pathOf(key)).catch(() => undefined))?.isFile() ?? false;
  }

  /** Whether the key names a folder, empty or not: a local store has folders, where others have only prefixes of keys. */
  async isFolder(key: string): Promise<boolean> {
    return (await fs.stat(this.pathOf(key)).catch(() => undefined))?.isDirectory() ?? false;
  }

  async size(key: string): Promise<number> {
    const file = this.pathOf(key);
    const st = await fs.stat(file).catch((e: unknown) => {
      throw missing(e, key) ?? machineFault(e, 'read', file);
    });
    if (!st.isFile()) throw notFound(key);
    return st.size;
  }

  /** The object's file, open for reading, and its size; NotFound for a missing key or a folder. */
  private async open(key: string): Promise<{ handle: FileHandle; size: number }> {
    const file = this.pathOf(key);
    const handle = await fs.open(file, 'r').catch((e: unknown) => {
      throw missing(e, key) ?? machineFault(e, 'read', file);
    });
    const st = await handle.stat();
    if (st.isFile()) return { handle, size: st.size };
    await handle.close();
    throw notFound(key);
  }

  async sha256(key: string): Promise<string> {
    const hash = createHash('sha256');
    await pipeline(await this.stream(key), hash);
    return hash.digest('hex');
  }

  private pathOf(key: string): string {
    const p = path.resolve(this.root, key);
    if (p !== this.root && !p.startsWith(this.root + path.sep)) {
      throw new InvalidInput(`storage: key ${JSON.stringify(key)} escapes the store root`);
    }
    return p;
  }

  private async walk(dirKey: string, out: ObjectInfo[]): Promise<void> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(this.pathOf(dirKey), { withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw machineFault(e, 'list', this.pathOf(dirKey));
    }
    for (const entry of entries) {
      const key = dirKey ? `${dirKey}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        await this.walk(key, out);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        // Another process may delete the file (or rename its temporary file into place) meanwhile.
        // A link counts as the file it points to (a user may link a file into landing); a link to
        // nothing, to a folder or to itself is no file.
        const st = await fs.stat(this.pathOf(key)).catch((e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT' || (entry.isSymbolicLink() && e.code === 'ELOOP')) return undefined;
          throw e;
        });
        if (st?.isFile()) out.push({ key, size: st.size, modifiedMs: st.mtimeMs });
      }
    }
  }
}

/** Writes the file and syncs its bytes to the disk before returning. */
async function writeSynced(file: string, data: Uint8Array | string): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Syncs the target's folder, so its new name survives a power cut, and the folders `mkdir` made
 * for it (`made`: the first one it created), each within its parent.
 */
async function syncFolders(target: string, made: string | undefined): Promise<void> {
  const last = made ? path.dirname(made) : path.dirname(target);
  for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
    await syncFolder(dir);
    if (dir === last || path.dirname(dir) === dir) break;
  }
}

async function syncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncFolder(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } catch (e) {
    // Some systems cannot sync a folder (EINVAL, EISDIR on Windows); what they keep is theirs.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'ENOTSUP') throw e;
  } finally {
    await handle.close();
  }
}

/** The name `put` gives its temporary file beside the target: `<key>.<uuid>.tmp`. */
const TEMPORARY = /\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;

function isFolder(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EISDIR' || code === 'ERR_FS_EISDIR';
}

/** NotFound for a missing file, or a folder (a prefix of keys, not an object). */
function missing(e: unknown, key: string): NotFound | undefined {
  // ENOTDIR: a part of the key is a file (`a.csv/b`), so no object has that key either.
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || isFolder(e) ? notFound(key) : undefined;
}

function notFound(key: string): NotFound {
  return new NotFound(`storage: no object at ${key}`);
}

/** What the machine said, in words, and what to do about it. */
const MACHINE_FAULTS: Record<string, string> = {
  ENOSPC: 'the disk is full; free some space (`silt vacuum` removes what failed writes left) and retry',
  EDQUOT: 'the disk quota is used up; free some space (`silt vacuum` removes what failed writes left) and retry',
  EROFS: 'the file system is read-only; remount it read-write (reads still work) and retry',
  EACCES: 'permission denied; give the user running silt access to the folder and retry',
  EPERM: 'permission denied; give the user running silt access to the folder and retry',
  EIO: 'an I/O error (the disk may be failing); check the disk and retry',
};

/** The same faults as other programs (DuckDB) spell them: strerror's text. */
const STRERROR: Record<string, string> = {
  'No space left on device': 'ENOSPC',
  'Disk quota exceeded': 'EDQUOT',
  'Read-only file system': 'EROFS',
  'Input/output error': 'EIO',
};

/** What to do about a message that reports a full disk, a read-only file system or an I/O error, or undefined. */
export function machineAdvice(text: string): string | undefined {
  const said = Object.keys(STRERROR).find((k) => text.includes(k));
  return said ? MACHINE_FAULTS[STRERROR[said]!] : undefined;
}

/** A full disk, a read-only file system, missing permission or an I/O error as an EnvironmentFault naming the file. */
export function machineFault(e: unknown, verb: string, file: string): unknown {
  const what = MACHINE_FAULTS[(e as NodeJS.ErrnoException)?.code ?? ''];
  return what ? new EnvironmentFault(`storage: cannot ${verb} ${file}: ${what}`, { cause: e }) : e;
}
