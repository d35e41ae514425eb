import path from 'node:path';
import { InvalidInput, NotFound } from '../../errors.js';
import { LocalStore, type ObjectStore } from '../../storage/index.js';

/**
 * A file the readers take: DuckDB reads it at `path` (which messages name), and Node's own checks
 * of its bytes (format, encoding, whole compression, long lines) read it through its store by key.
 */
export interface InputFile {
  readonly path: string;
  readonly store: ObjectStore;
  readonly key: string;
}

/** An object of a store, as DuckDB reaches it (a store it cannot reach makes a copy first). */
export async function storeInput(store: ObjectStore, key: string): Promise<InputFile> {
  const [located] = await store.engineFiles([key]);
  return { path: located!, store, key };
}

/** A file named by its path (the argument of `silt load`, a test's file): read through a store on its folder. */
export function localInput(file: string): InputFile {
  const abs = path.resolve(file);
  return { path: file, store: new LocalStore(path.dirname(abs)), key: path.basename(abs) };
}

export function inputOf(file: string | InputFile): InputFile {
  return typeof file === 'string' ? localInput(file) : file;
}

/** The file's size; NotFound when it is missing, InvalidInput for a folder. */
export async function assertReadableFile(file: InputFile): Promise<number> {
  try {
    return await file.store.size(file.key);
  } catch (e) {
    const refused = unusablePath(e, file.path);
    if (refused) throw refused;
    if (!(e instanceof NotFound)) throw e;
    const folder = file.store instanceof LocalStore ? await file.store.isFolder(file.key) : (await file.store.list(`${file.key}/`)).length > 0;
    if (folder) throw new InvalidInput(`load: ${file.path} is a directory, not a file`, { code: 'file_rejected', details: { file: file.path } });
    throw new NotFound(`load: ${file.path}: no such file`, { code: 'file_not_found', details: { file: file.path } });
  }
}

/** A path the system cannot resolve to a file (a link loop, a name too long), as an input error naming it. */
function unusablePath(e: unknown, path: string): InvalidInput | undefined {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ELOOP':
      return new InvalidInput(`load: ${path}: too many symbolic links (a link that points back to itself?); give the file's real path`);
    case 'ENAMETOOLONG':
      return new InvalidInput(`load: ${path}: the name is too long for the file system`);
    default:
      return undefined;
  }
}
