/** Reads `expect rule(args) [policy=warn|fail]` from a model header. */
import { didYouMean } from '../config/index.js';
import { InvalidInput } from '../errors.js';
import { splitTopLevel, unquote } from './header-text.js';
import type { Bound, Expectation, ExpectationPolicy } from './model.js';

const RULES = ['not_null', 'unique', 'range', 'allowed_values', 'regex', 'sql'] as const;
const USAGE: Record<(typeof RULES)[number], string> = {
  not_null: 'not_null(column)',
  unique: 'unique(column)',
  range: 'range(column, min, max) with null for an open end',
  allowed_values: 'allowed_values(column, value, …)',
  regex: "regex(column, 'pattern')",
  sql: "sql('predicate that every row satisfies')",
};
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** `text` follows `expect `; `where` prefixes messages (`models: models/x.sql line 2`). */
export function parseExpectation(text: string, where: string): Expectation {
  const m = /^(\w+)\s*\(([\s\S]*)\)\s*(?:policy\s*=\s*(\S*))?$/i.exec(text.trim());
  if (!m) throw new InvalidInput(`${where}: cannot read expectation "${text.trim()}": write expect rule(args), e.g. expect not_null(order_id)`);
  const name = m[1]!.toLowerCase();
  const rule = RULES.find((r) => r === name);
  if (!rule) {
    const hint = didYouMean(name, RULES);
    throw new InvalidInput(`${where}: unknown expectation rule ${name}${hint ? ` (did you mean ${hint}?)` : ''}; rules: ${RULES.join(', ')}`);
  }
  const policy = parsePolicy(m[3], `${where}: expect ${rule}`);
  const args = splitTopLevel(m[2]!);
  const label = `${rule}(${m[2]!.trim()})`;
  const bad = (why: string): InvalidInput => new InvalidInput(`${where}: expect ${label}: ${why}; write ${USAGE[rule]}`);
  if (!args || args.some((a) => a.length === 0)) throw bad('cannot read the arguments');
  const column = (): string => {
    const w = unquote(args[0]!);
    if (w.quote === "'") throw bad(`the column is a name, not a string '${w.text}'`);
    return w.text;
  };
  switch (rule) {
    case 'not_null':
    case 'unique':
      if (args.length !== 1) throw bad(`takes one column, got ${args.length} arguments`);
      return { rule, column: column(), policy, label };
    case 'range': {
      if (args.length !== 3) throw bad(`takes 3 arguments, got ${args.length}`);
      const min = bound(args[1]!);
      const max = bound(args[2]!);
      if (min === null && max === null) throw bad('give a min or a max');
      return { rule, column: column(), min, max, policy, label };
    }
    case 'allowed_values':
      if (args.length < 2) throw bad('list at least one value');
      return { rule, column: column(), values: args.slice(1).map(bound), policy, label };
    case 'regex': {
      if (args.length !== 2) throw bad(`takes 2 arguments, got ${args.length}`);
      return { rule, column: column(), pattern: unquote(args[1]!).text, policy, label };
    }
    case 'sql': {
      if (args.length !== 1) throw bad('takes one quoted predicate (quote it when it contains commas)');
      const predicate = unquote(args[0]!).text.trim();
      if (!predicate) throw bad('the predicate is empty');
      if (predicate.includes(';')) throw bad('the predicate is one expression, without ;');
      return { rule, predicate, policy, label };
    }
  }
}

function parsePolicy(text: string | undefined, where: string): ExpectationPolicy {
  if (text === undefined) return 'fail';
  const p = unquote(text).text.toLowerCase();
  if (p === 'warn' || p === 'fail') return p;
  if (p === 'drop') throw new InvalidInput(`${where}: policy=drop is for silver contracts; gold has no quarantine: use policy=warn or policy=fail`);
  throw new InvalidInput(`${where}: unknown policy "${p}": use policy=warn or policy=fail`);
}

function bound(raw: string): Bound {
  const w = unquote(raw);
  if (w.quote) return w.text;
  if (w.text.toLowerCase() === 'null') return null;
  if (NUMBER.test(w.text)) return Number(w.text);
  return w.text;
}
