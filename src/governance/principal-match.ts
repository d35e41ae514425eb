import { OWNER, PIPELINE, type Principal } from '../engine/index.js';

/**
 * Whether a policy's `to` (or a workgroup's `members`) names `p`: `*` is every principal but the
 * project's owner and the pipeline (who administer it), `group:<g>` a member of g, else a name.
 */
export function names(who: readonly string[], p: Principal): boolean {
  return who.some((w) => {
    if (w === '*') return !isProjectAdministrator(p);
    if (w.startsWith('group:')) return p.groups?.includes(w.slice('group:'.length)) ?? false;
    return w === p.name;
  });
}

/** The owner, the pipeline, or a member of the `admins` group. */
export function isAdministrator(p: Principal): boolean {
  return (p.groups?.includes('admins') ?? false) || isProjectAdministrator(p);
}

function isProjectAdministrator(p: Principal): boolean {
  return (p.name === OWNER.name && p.kind === OWNER.kind) || (p.name === PIPELINE.name && p.kind === PIPELINE.kind);
}
