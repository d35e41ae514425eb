import type { Catalog, PrincipalRow } from '../catalog/index.js';
import { didYouMean } from '../config/index.js';
import { OWNER, PIPELINE, type Principal } from '../engine/index.js';
import { AlreadyExists, InvalidInput, NotFound } from '../errors.js';

export type PrincipalKind = PrincipalRow['kind'];
export const PRINCIPAL_KINDS: readonly PrincipalKind[] = ['user', 'service', 'group'];

const NAME = /^[a-z][a-z0-9_.@-]{0,127}$/;

/** A principal or group name: lower case, starting with a letter; `owner` is the project owner's own. */
export function checkPrincipalName(name: string, what = 'principal'): string {
  if (!NAME.test(name)) {
    throw new InvalidInput(`access: invalid ${what} name ${JSON.stringify(name)}: use lower-case letters, digits, _ . @ or -, starting with a letter (at most 128)`, {
      details: { key: name },
    });
  }
  if (name === OWNER.name) throw new InvalidInput(`access: ${JSON.stringify(name)} is the project owner's built-in name; choose another`, { details: { key: name } });
  // A token of a principal called so would act as the pipeline, with its implicit grants.
  if (name === PIPELINE.name) throw new InvalidInput(`access: ${JSON.stringify(name)} is the pipeline's built-in name; choose another`, { details: { key: name } });
  return name;
}

export async function createPrincipal(catalog: Catalog, name: string, kind: PrincipalKind, origin: PrincipalRow['origin'] = 'manual'): Promise<PrincipalRow> {
  checkPrincipalName(name, kind);
  const found = await catalog.access.principal(name);
  if (found) throw new AlreadyExists(`access: ${found.kind} ${name} already exists`, { details: { key: name } });
  const row: PrincipalRow = { name, kind, origin, createdMs: Date.now() };
  await catalog.access.addPrincipal(row);
  return row;
}

/** The principal named, or NotFound naming it (with the closest known name). */
export async function principalRow(catalog: Catalog, name: string, kinds: readonly PrincipalKind[] = PRINCIPAL_KINDS): Promise<PrincipalRow> {
  const found = await catalog.access.principal(name);
  if (found && kinds.includes(found.kind)) return found;
  const known = (await catalog.access.principals()).filter((p) => kinds.includes(p.kind)).map((p) => p.name);
  const hint = didYouMean(name, known);
  const what = kinds.length === 1 ? kinds[0]! : kinds.includes('group') ? 'principal or group' : 'principal';
  throw new NotFound(
    found
      ? `access: ${name} is a ${found.kind}, not a ${what}`
      : `access: no ${what} ${name}${hint ? ` (did you mean ${hint}?)` : ''}; \`silt principal list\` shows them`,
    { code: 'principal_not_found', details: { key: name } },
  );
}

/** Drops a principal or group with its memberships, tokens and grants. */
export async function dropPrincipal(catalog: Catalog, name: string): Promise<PrincipalRow> {
  const row = await principalRow(catalog, name);
  await catalog.access.removePrincipal(name);
  return row;
}

export async function addMember(catalog: Catalog, group: string, member: string, origin: PrincipalRow['origin'] = 'manual'): Promise<boolean> {
  await principalRow(catalog, group, ['group']);
  await principalRow(catalog, member, ['user', 'service']);
  return catalog.access.addMember(group, member, origin);
}

export async function removeMember(catalog: Catalog, group: string, member: string): Promise<void> {
  await principalRow(catalog, group, ['group']);
  if (!(await catalog.access.removeMember(group, member))) {
    throw new NotFound(`access: ${member} is not a member of group ${group}`, { details: { key: member } });
  }
}

/** The Principal a request or statement acts as: the row's kind and its groups. */
export async function principalOf(catalog: Catalog, name: string): Promise<Principal> {
  if (name === OWNER.name) return OWNER;
  const row = await principalRow(catalog, name, ['user', 'service']);
  return { name, kind: row.kind === 'service' ? 'service' : 'user', groups: await catalog.access.groupsOf(name) };
}
