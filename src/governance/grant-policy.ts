import type { Catalog } from '../catalog/index.js';
import type { ProjectConfig } from '../config/index.js';
import type { AccessPolicy } from '../engine/index.js';
import { columnTags } from './column-tags.js';
import type { TagsOf } from './privileges.js';
import { Grants } from './grants.js';

/** The project's grants, with column tags read from silt.yaml when first needed. */
export function projectGrants(catalog: Catalog, config: ProjectConfig): Grants {
  let tags: TagsOf | undefined;
  return new Grants(catalog, (namespace, table, column) => (tags ??= columnTags(config))(namespace, table, column));
}

/**
 * Grants as the session's access policy: a table is read with the columns granted (none: refused),
 * and a write needs its privilege (CREATE on the namespace, MODIFY/ALTER/DROP on the table).
 */
export function grantsPolicy(grants: Grants): AccessPolicy {
  return {
    read: (principal, table) => grants.read(principal, table),
    checkWrite: (principal, privilege, table) =>
      grants.require(principal, privilege, privilege === 'CREATE' ? { kind: 'namespace', namespace: table.namespace } : { kind: 'table', namespace: table.namespace, table: table.name }),
  };
}
