import type { DataFile } from './types.js';

/**
 * Data files as JSON text and back, for files written in one process and committed by another
 * (ingest tasks stage theirs in the metadata store). Maps, bigints and bytes, which JSON lacks,
 * are tagged objects.
 */
export function dataFilesToJson(files: readonly DataFile[]): string {
  return JSON.stringify(files, (_key, value: unknown) => {
    if (typeof value === 'bigint') return { $bigint: value.toString() };
    if (value instanceof Map) return { $map: [...value.entries()] };
    if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
    return value;
  });
}

export function dataFilesFromJson(text: string): DataFile[] {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const v = value as Record<string, unknown>;
    if (typeof v.$bigint === 'string') return BigInt(v.$bigint);
    if (Array.isArray(v.$map)) return new Map(v.$map as [unknown, unknown][]);
    if (typeof v.$bytes === 'string') return new Uint8Array(Buffer.from(v.$bytes, 'base64'));
    return value;
  }) as DataFile[];
}
