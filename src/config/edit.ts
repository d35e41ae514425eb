import { renameSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, parseDocument, type Document } from 'yaml';
import { PROJECT_FILE } from './load.js';

/**
 * Edits silt.yaml keeping every other line and comment. The file is replaced whole (written
 * beside it, then renamed), so a crash leaves the old file or the new one.
 */
function editProjectFile(projectDir: string, edit: (doc: Document) => void): void {
  const file = path.join(projectDir, PROJECT_FILE);
  const doc = parseDocument(readFileSync(file, 'utf8'));
  edit(doc);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, doc.toString());
  renameSync(tmp, file);
}

/** Points the project's `catalog:` at `uri`: `catalog.uri` when the section is a map, else `catalog: <uri>`. */
export function setCatalogUri(projectDir: string, uri: string): void {
  editProjectFile(projectDir, (doc) => {
    if (isMap(doc.get('catalog'))) doc.setIn(['catalog', 'uri'], uri);
    else doc.set('catalog', uri);
  });
}

/** Points the project's `storage:` at `location`, with `s3` (snake_case keys of storage.s3) when given. */
export function setStorage(projectDir: string, location: string, s3?: Record<string, unknown>): void {
  editProjectFile(projectDir, (doc) => {
    doc.set('storage', doc.createNode(s3 ? { location, s3 } : { location }));
  });
}
