import { renameSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, parseDocument } from 'yaml';
import { PROJECT_FILE } from './load.js';

/**
 * Points the project's `catalog:` at `uri` in silt.yaml, keeping every other line and comment:
 * `catalog.uri` when the section is a map, else `catalog: <uri>`. The file is replaced whole
 * (written beside it, then renamed), so a crash leaves the old file or the new one.
 */
export function setCatalogUri(projectDir: string, uri: string): void {
  const file = path.join(projectDir, PROJECT_FILE);
  const doc = parseDocument(readFileSync(file, 'utf8'));
  if (isMap(doc.get('catalog'))) doc.setIn(['catalog', 'uri'], uri);
  else doc.set('catalog', uri);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, doc.toString());
  renameSync(tmp, file);
}
