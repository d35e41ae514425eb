import type { Catalog, GrantRow } from '../catalog/index.js';
import type { ProjectConfig } from '../config/index.js';
import { accessSection } from './access-section.js';
import { OWNER } from '../engine/index.js';
import { parseAccessStatement } from './grant-sql.js';
import type { Grants } from './grants.js';
import { addMember, createPrincipal, type PrincipalKind } from './principals.js';
import { securableKey, securableOfRow, securableText } from './privileges.js';

export interface AccessPlanItem {
  action: '+' | '-' | '!' | '=';
  table: string;
  detail: string;
}

type GrantKey = Pick<GrantRow, 'grantee' | 'privilege' | 'securable' | 'namespace' | 'table' | 'column'>;

function keyText(k: GrantKey): string {
  return `${k.privilege} on ${securableText(securableOfRow(k))} to ${k.grantee}`;
}

function sameKey(a: GrantKey, b: GrantKey): boolean {
  return a.grantee === b.grantee && a.privilege === b.privilege && a.securable === b.securable && a.namespace === b.namespace && a.table === b.table && a.column === b.column;
}

/**
 * The access changes silt.yaml declares against the catalog; with `apply`, made (as the owner).
 * `tablesToCreate` are tables the same plan creates, so a grant on one is not blocked.
 */
export async function planAccess(catalog: Catalog, config: ProjectConfig, grants: Grants, opts: { apply?: boolean; tablesToCreate?: readonly string[] } = {}): Promise<AccessPlanItem[]> {
  const declared = accessSection(config);
  const items: AccessPlanItem[] = [];
  const item = (action: AccessPlanItem['action'], detail: string): void => void items.push({ action, table: 'access', detail });
  const rows = await catalog.access.principals();
  const want: [string, PrincipalKind][] = [
    ...declared.users.map((n): [string, PrincipalKind] => [n, 'user']),
    ...declared.services.map((n): [string, PrincipalKind] => [n, 'service']),
    ...Object.keys(declared.groups).map((n): [string, PrincipalKind] => [n, 'group']),
  ];
  for (const [name, kind] of want) {
    const found = rows.find((r) => r.name === name);
    if (!found) {
      item('+', `${kind} ${name}`);
      if (opts.apply) await createPrincipal(catalog, name, kind, 'config');
    } else if (found.kind !== kind) item('!', `${kind} ${name}: ${name} exists as a ${found.kind}; drop it or rename one`);
    else item('=', `${kind} ${name}`);
  }
  const members = await catalog.access.members();
  for (const [group, list] of Object.entries(declared.groups)) {
    for (const member of list) {
      if (!want.some(([n]) => n === member) && !rows.some((r) => r.name === member)) {
        item('!', `${member} in group ${group}: no user or service ${member}; declare it under access.users or access.services`);
      } else if (members.some((m) => m.group === group && m.member === member)) item('=', `${member} in group ${group}`);
      else {
        item('+', `${member} in group ${group}`);
        if (opts.apply) await addMember(catalog, group, member, 'config');
      }
    }
  }
  const declaredKeys: GrantKey[] = [];
  const held = await catalog.access.grants();
  for (const text of declared.grants) {
    let change;
    try {
      change = parseAccessStatement(text);
    } catch (e) {
      item('!', `${text.trim()}: ${(e as Error).message.replace(/^query: /, '')}`);
      continue;
    }
    const keys = change.grantees.flatMap((grantee) => change.privileges.flatMap((privilege) => change.on.map((on) => ({ grantee, privilege, ...securableKey(on) }))));
    declaredKeys.push(...keys);
    const fresh = keys.filter((k) => !held.some((h) => sameKey(h, k)));
    for (const k of keys) if (!fresh.includes(k)) item('=', `grant ${keyText(k)}`);
    if (fresh.length === 0) continue;
    const blocked = await whyBlocked(grants, change, want, rows.map((r) => r.name), opts.tablesToCreate ?? []);
    for (const k of fresh) item(blocked ? '!' : '+', `grant ${keyText(k)}${blocked ? `: ${blocked}` : ''}`);
    if (opts.apply && !blocked) await grants.change(OWNER, change, 'config');
  }
  for (const h of held.filter((g) => g.origin === 'config' && !declaredKeys.some((k) => sameKey(g, k)))) {
    item('-', `grant ${keyText(h)}: no longer declared; apply revokes it`);
    if (opts.apply) await catalog.access.removeGrant(h);
  }
  for (const m of members.filter((m) => m.origin === 'config' && !(declared.groups[m.group] ?? []).includes(m.member))) {
    item('-', `${m.member} in group ${m.group}: no longer declared; apply removes it`);
    if (opts.apply) await catalog.access.removeMember(m.group, m.member);
  }
  for (const r of rows.filter((r) => r.origin === 'config' && !want.some(([n]) => n === r.name))) {
    item('-', `${r.kind} ${r.name}: no longer declared; apply drops it with its tokens and grants`);
    if (opts.apply) await catalog.access.removePrincipal(r.name);
  }
  return items;
}

/** Why a declared grant cannot be made now: a grantee or securable that neither exists nor is planned. */
async function whyBlocked(grants: Grants, change: ReturnType<typeof parseAccessStatement>, planned: readonly [string, PrincipalKind][], existing: readonly string[], tablesToCreate: readonly string[]): Promise<string | undefined> {
  for (const g of change.grantees) if (!planned.some(([n]) => n === g) && !existing.includes(g)) return `no principal or group ${g}; declare it under access`;
  for (const on of change.on) {
    if (on.kind === 'table' || on.kind === 'column') {
      if (tablesToCreate.includes(`${on.namespace}.${on.table}`)) continue;
    }
    try {
      await grants.checkSecurable(on);
    } catch (e) {
      if (on.kind === 'namespace' && tablesToCreate.some((t) => t.startsWith(`${on.namespace}.`))) continue;
      return (e as Error).message.replace(/^access: /, '');
    }
  }
  return undefined;
}
