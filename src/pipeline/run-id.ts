import { randomBytes } from 'node:crypto';

/** Sortable by time, unique: `20261122T023100Z-3f9a1c`. */
export function newRunId(): string {
  const ts = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${ts}-${randomBytes(3).toString('hex')}`;
}
