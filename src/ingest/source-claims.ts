import { formatOfName, type FileFormat } from '../engine/index.js';
import { PROJECT_FILE } from '../config/index.js';
import { globMatcher } from './landing-patterns.js';
import { landingPrefix, type SourceConfig } from './source-config.js';

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

/**
 * Why a source skips a file under its path by its `include:`/`exclude:` patterns (naming the
 * pattern), or undefined when the patterns let it through. A skipped file is neither ingested nor a
 * reject nor unclaimed: the user said it is not data (a README beside the exports).
 */
export function skippedBy(name: string, source: SourceConfig, key: string): string | undefined {
  if (!source.include && !source.exclude) return undefined;
  const rel = key.slice(landingPrefix(name, source).length);
  // `x.json.partial` is x.json on its way: it is included as x.json will be (and waits as incomplete).
  const named = rel.replace(/\.(partial|tmp)$/i, '');
  if (source.include && !source.include.some((p) => globMatcher(p)(named))) {
    return `matches none of ${PROJECT_FILE} sources.${name}.include (${source.include.join(', ')}); add a pattern there to have it ingested`;
  }
  const excluded = source.exclude?.find((p) => globMatcher(p)(rel));
  if (excluded !== undefined) return `matches ${PROJECT_FILE} sources.${name}.exclude pattern ${excluded}; remove the pattern to have it ingested`;
  return undefined;
}

/** Whether the source ingests a file under its path: not skipped by its patterns nor declined by its format. */
export function takes(name: string, source: SourceConfig, key: string): boolean {
  return skippedBy(name, source, key) === undefined && declinedBy(name, source, key) === undefined;
}
