import { formatOfName, type FileFormat } from '../engine/index.js';
import { PROJECT_FILE } from '../config/index.js';
import type { SourceConfig } from './source-config.js';

/** Formats one reader takes for another: a delimited-text reader reads .tsv and .csv alike, a JSON one .json and .ndjson. */
const FAMILY: Record<FileFormat, string> = { csv: 'text', tsv: 'text', json: 'json', ndjson: 'json', parquet: 'parquet' };

/**
 * Why a source does not take a file under its path, or undefined when it does: a source with a
 * declared format leaves a file whose name says another kind (a .json file under `format: csv`)
 * to the user, rather than reading it as the wrong kind and losing its records. The file stays in
 * landing, so fixing the config takes it next run.
 */
export function declinedBy(name: string, source: SourceConfig, key: string): string | undefined {
  // `.txt` says text, not which kind: logs of JSON lines are often named so.
  const named = /\.txt(\.(gz|gzip|zst|zstd))?$/i.test(key) ? undefined : formatOfName(key);
  if (!source.format || !named || FAMILY[named] === FAMILY[source.format]) return undefined;
  return `source ${name} reads ${source.format} (${PROJECT_FILE} sources.${name}.format), but the name says ${named}; move the file to a source that reads ${named}, or remove the format to read each file by its name`;
}
