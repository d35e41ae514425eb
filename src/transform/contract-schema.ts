/**
 * The silver contract as declared under `silver.<name>` in silt.yaml. Shape checks are zod's;
 * cross-field checks (a rule on an undeclared column, a bad regex, a bad type) are issues with a
 * path, so the config loader reports them like any other key.
 */
import { z } from 'zod';
import { checkContract } from './contract-checks.js';
import { silverContractShape } from './contract-shape.js';

export * from './contract-shape.js';

export const silverContractSchema = silverContractShape.superRefine((contract, ctx) => {
  for (const issue of checkContract(contract)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});

/** `silver:` in silt.yaml: silver table name → contract. */
export const silverSectionSchema = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a table name of letters, digits and _'), silverContractSchema)
  .superRefine((section, ctx) => {
    // Every silver table, its quarantine, and each explode's child and its quarantine: one writer each.
    const owner = new Map<string, string>();
    for (const name of Object.keys(section)) for (const t of [name, `${name}_quarantine`]) owner.set(t.toLowerCase(), `silver.${name}`);
    for (const [name, contract] of Object.entries(section)) {
      contract.explode?.forEach((e, i) => {
        const other = owner.get(e.into.toLowerCase()) ?? owner.get(`${e.into}_quarantine`.toLowerCase());
        if (other) ctx.addIssue({ code: 'custom', path: [name, 'explode', i, 'into'], message: `a table name no other silver table uses (${other} writes ${e.into} or its quarantine)` });
        for (const t of [e.into, `${e.into}_quarantine`]) owner.set(t.toLowerCase(), `silver.${name}.explode`);
      });
    }
  });

