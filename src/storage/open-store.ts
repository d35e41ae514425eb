import { LocalStore } from './local-store.js';
import type { ObjectStore } from './object-store.js';
import { S3Store, type S3Options } from './s3-store.js';

/**
 * The store at a configured location (storage.location in silt.yaml): an s3:// bucket and prefix,
 * reached as `s3` says (the endpoint defaults to AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL), or a
 * local folder.
 */
export function openStore(location: string, s3: Omit<S3Options, 'credentials'> = {}): ObjectStore {
  if (/^s3:\/\//i.test(location)) {
    const endpoint = s3.endpoint ?? process.env['AWS_ENDPOINT_URL_S3'] ?? process.env['AWS_ENDPOINT_URL'];
    return new S3Store(location, { ...s3, ...(endpoint ? { endpoint } : {}) });
  }
  return new LocalStore(location);
}
