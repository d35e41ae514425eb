import path from 'node:path';
import { loadProject, setCatalogUri, setStorage } from '../config/index.js';
import { LocalStore, openStore } from '../storage/index.js';

/**
 * Moves a freshly generated demo project onto other stores before its first run: silt.yaml's
 * `storage:` and `catalog:` are set, and the landing files are uploaded to the new storage (an
 * s3:// location takes its endpoint from AWS_ENDPOINT_URL_S3, as `silt dev up` exports it).
 */
export async function placeDemo(dir: string, to: { storage?: string; catalog?: string }): Promise<void> {
  if (to.catalog) setCatalogUri(dir, to.catalog);
  if (!to.storage) return;
  const endpoint = process.env['AWS_ENDPOINT_URL_S3'] ?? process.env['AWS_ENDPOINT_URL'];
  setStorage(dir, to.storage, /^s3:\/\//i.test(to.storage) && endpoint ? { endpoint, path_style: true } : undefined);
  const config = loadProject(dir);
  const target = openStore(config.storageLocation, config.storageS3);
  const local = new LocalStore(path.join(dir, 'lake'));
  try {
    for (const o of await local.list('')) {
      await target.putStream(o.key, await local.stream(o.key));
      await local.delete(o.key);
    }
  } finally {
    await (target as { dispose?: () => Promise<void> }).dispose?.();
  }
}
