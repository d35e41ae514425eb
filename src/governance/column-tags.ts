import type { ProjectConfig } from '../config/index.js';
import { silverSectionSchema } from '../transform/index.js';
import { accessSection } from './access-section.js';
import type { TagsOf } from './privileges.js';

/** The tag silver's PII columns carry (a contract column with `pii:`). */
export const PII_TAG = 'pii';

/**
 * Column tags live in silt.yaml: a silver contract column declared `pii:` carries `pii`, and
 * `access.tags` gives any column of any table more (`tags: { finance: [gold.revenue.amount] }`).
 * Declared, they are reviewed with the rest of the project and `silt plan` shows the grants they feed.
 */
export function columnTags(config: ProjectConfig): TagsOf {
  const tags = new Map<string, string[]>();
  const add = (key: string, tag: string): void => {
    const list = tags.get(key) ?? [];
    if (!list.includes(tag)) list.push(tag);
    tags.set(key, list);
  };
  for (const [name, contract] of Object.entries(config.section('silver', silverSectionSchema) ?? {})) {
    for (const [column, spec] of Object.entries(contract.columns)) if (spec.pii) add(`${config.layers.silver}.${name}.${column}`, PII_TAG);
  }
  for (const [tag, columns] of Object.entries(accessSection(config).tags)) for (const c of columns) add(c, tag);
  return (namespace, table, column) => tags.get(`${namespace}.${table}.${column}`) ?? [];
}
