import { InvalidInput } from '../errors.js';

const NAME = /^[a-z_][a-z0-9_]*$/;

/** Namespace and table names are lower-case SQL identifiers, so `ns.table` needs no quoting anywhere. */
export function checkName(kind: 'namespace' | 'table', name: string): string {
  if (!NAME.test(name)) {
    const hint = name.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^([0-9])/, '_$1');
    throw new InvalidInput(
      `catalog: invalid ${kind} name ${JSON.stringify(name)}: use lower-case letters, digits and _ (e.g. ${JSON.stringify(hint)})`,
    );
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
