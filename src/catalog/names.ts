import { InvalidInput } from '../errors.js';

const NAME = /^[a-z_][a-z0-9_]*$/;
/** Each name is a folder of the warehouse (and gets suffixes like `_quarantine`): well under a file system's 255. */
const MAX_NAME = 128;

/** Namespace and table names are lower-case SQL identifiers, so `ns.table` needs no quoting anywhere. */
export function checkName(kind: 'namespace' | 'table' | 'view', name: string): string {
  if (!NAME.test(name)) {
    const hint = name.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^([0-9])/, '_$1');
    throw new InvalidInput(
      `catalog: invalid ${kind} name ${JSON.stringify(name)}: use lower-case letters, digits and _ (e.g. ${JSON.stringify(hint)})`,
    );
  }
  if (name.length > MAX_NAME) {
    throw new InvalidInput(`catalog: ${kind} name ${JSON.stringify(`${name.slice(0, 20)}…`)} is ${name.length} characters long; at most ${MAX_NAME}`);
  }
  return name;
}

/** Splits `ns.table`; InvalidInput naming the text when it is not two names joined by a dot. */
export function parseTableName(text: string): { namespace: string; name: string } {
  const parts = text.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new InvalidInput(`catalog: expected a table name as namespace.table, found ${JSON.stringify(text)}`);
  }
  return { namespace: checkName('namespace', parts[0]), name: checkName('table', parts[1]) };
}
