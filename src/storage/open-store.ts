import { InvalidInput } from '../errors.js';
import { LocalStore } from './local-store.js';
import type { ObjectStore } from './object-store.js';

/** The store at a configured location (storage.location in silt.yaml): a local folder today. */
export function openStore(location: string): ObjectStore {
  if (/^s3:\/\//i.test(location)) {
    throw new InvalidInput(`config: S3 storage (${location}) is not supported yet; use a local folder for storage.location`);
  }
  return new LocalStore(location);
}
