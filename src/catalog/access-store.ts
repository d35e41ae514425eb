import type { Kysely } from 'kysely';
import type { MetadataDb } from './db.js';

/**
 * Where a principal, membership or grant came from: made by hand (CLI, SQL, API), declared in
 * silt.yaml, or implied by Silt itself (the pipeline's grants, never stored).
 */
export type AccessOrigin = 'manual' | 'config' | 'implicit';

export interface PrincipalRow {
  name: string;
  kind: 'user' | 'service' | 'group';
  origin: AccessOrigin;
  createdMs: number;
}

export interface TokenRow {
  tokenId: string;
  principal: string;
  secretSha256: string;
  /** `api` (made by `silt token create`), `oauth` (issued for client credentials), `server` (the server's own CLI token). */
  purpose: 'api' | 'oauth' | 'server';
  note: string | null;
  createdMs: number;
  expiresMs: number | null;
  revokedMs: number | null;
  lastUsedMs: number | null;
}

/** One privilege on one securable. Parts a securable lacks are '' (a namespace grant has no table). */
export interface GrantRow {
  grantee: string;
  privilege: string;
  securable: 'catalog' | 'namespace' | 'table' | 'column' | 'tag';
  namespace: string;
  table: string;
  /** The column, or the tag for a `tag` grant. */
  column: string;
  grantOption: boolean;
  origin: AccessOrigin;
  grantedBy: string;
  createdMs: number;
}

export type GrantKey = Pick<GrantRow, 'grantee' | 'privilege' | 'securable' | 'namespace' | 'table' | 'column'>;

/**
 * Principals, group memberships, API tokens and grants (migration 13). Only rows: what they mean
 * (who may do what) is governance's.
 */
export class AccessStore {
  constructor(private readonly db: Kysely<MetadataDb>) {}

  async principal(name: string): Promise<PrincipalRow | undefined> {
    const r = await this.db.selectFrom('silt_principals').selectAll().where('name', '=', name).executeTakeFirst();
    return r && { name: r.name, kind: r.kind as PrincipalRow['kind'], origin: r.origin as AccessOrigin, createdMs: Number(r.created_ms) };
  }

  async principals(): Promise<PrincipalRow[]> {
    const rows = await this.db.selectFrom('silt_principals').selectAll().orderBy('name').execute();
    return rows.map((r) => ({ name: r.name, kind: r.kind as PrincipalRow['kind'], origin: r.origin as AccessOrigin, createdMs: Number(r.created_ms) }));
  }

  async addPrincipal(p: PrincipalRow): Promise<void> {
    await this.db.insertInto('silt_principals').values({ name: p.name, kind: p.kind, origin: p.origin, created_ms: p.createdMs }).execute();
  }

  /** Removes the principal with its memberships, tokens and grants, in one transaction. */
  async removePrincipal(name: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('silt_group_members').where((eb) => eb.or([eb('group_name', '=', name), eb('member', '=', name)])).execute();
      await tx.deleteFrom('silt_tokens').where('principal', '=', name).execute();
      await tx.deleteFrom('silt_grants').where('grantee', '=', name).execute();
      await tx.deleteFrom('silt_principals').where('name', '=', name).execute();
    });
  }

  async members(group?: string): Promise<{ group: string; member: string; origin: AccessOrigin }[]> {
    let q = this.db.selectFrom('silt_group_members').selectAll();
    if (group !== undefined) q = q.where('group_name', '=', group);
    const rows = await q.orderBy('group_name').orderBy('member').execute();
    return rows.map((r) => ({ group: r.group_name, member: r.member, origin: r.origin as AccessOrigin }));
  }

  async groupsOf(member: string): Promise<string[]> {
    const rows = await this.db.selectFrom('silt_group_members').select('group_name').where('member', '=', member).orderBy('group_name').execute();
    return rows.map((r) => r.group_name);
  }

  async addMember(group: string, member: string, origin: AccessOrigin): Promise<boolean> {
    const found = await this.db.selectFrom('silt_group_members').select('member').where('group_name', '=', group).where('member', '=', member).executeTakeFirst();
    if (found) return false;
    await this.db.insertInto('silt_group_members').values({ group_name: group, member, origin }).execute();
    return true;
  }

  async removeMember(group: string, member: string): Promise<boolean> {
    const r = await this.db.deleteFrom('silt_group_members').where('group_name', '=', group).where('member', '=', member).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async addToken(t: TokenRow): Promise<void> {
    await this.db
      .insertInto('silt_tokens')
      .values({
        token_id: t.tokenId,
        principal: t.principal,
        secret_sha256: t.secretSha256,
        purpose: t.purpose,
        note: t.note,
        created_ms: t.createdMs,
        expires_ms: t.expiresMs,
        revoked_ms: t.revokedMs,
        last_used_ms: t.lastUsedMs,
      })
      .execute();
  }

  async token(tokenId: string): Promise<TokenRow | undefined> {
    const r = await this.db.selectFrom('silt_tokens').selectAll().where('token_id', '=', tokenId).executeTakeFirst();
    return r && toToken(r);
  }

  async tokens(principal?: string): Promise<TokenRow[]> {
    let q = this.db.selectFrom('silt_tokens').selectAll();
    if (principal !== undefined) q = q.where('principal', '=', principal);
    return (await q.orderBy('created_ms').orderBy('token_id').execute()).map(toToken);
  }

  /** Revokes tokens not yet revoked: one by id, or all of a principal's of one purpose. */
  async revokeTokens(which: { tokenId: string } | { principal: string; purpose: TokenRow['purpose'] }, atMs: number): Promise<number> {
    let q = this.db.updateTable('silt_tokens').set({ revoked_ms: atMs }).where('revoked_ms', 'is', null);
    q = 'tokenId' in which ? q.where('token_id', '=', which.tokenId) : q.where('principal', '=', which.principal).where('purpose', '=', which.purpose);
    return Number((await q.executeTakeFirst()).numUpdatedRows);
  }

  /** Drops tokens that can no longer be used (expired or revoked) before `beforeMs`. */
  async pruneTokens(beforeMs: number): Promise<void> {
    await this.db
      .deleteFrom('silt_tokens')
      .where((eb) => eb.or([eb('expires_ms', '<', beforeMs), eb('revoked_ms', '<', beforeMs)]))
      .execute();
  }

  async touchToken(tokenId: string, atMs: number): Promise<void> {
    await this.db.updateTable('silt_tokens').set({ last_used_ms: atMs }).where('token_id', '=', tokenId).execute();
  }

  async grants(grantee?: readonly string[]): Promise<GrantRow[]> {
    let q = this.db.selectFrom('silt_grants').selectAll();
    if (grantee !== undefined) {
      if (grantee.length === 0) return [];
      q = q.where('grantee', 'in', grantee);
    }
    const rows = await q.orderBy('grantee').orderBy('securable').orderBy('namespace').orderBy('table_name').orderBy('column_name').orderBy('privilege').execute();
    return rows.map((r) => ({
      grantee: r.grantee,
      privilege: r.privilege,
      securable: r.securable as GrantRow['securable'],
      namespace: r.namespace,
      table: r.table_name,
      column: r.column_name,
      grantOption: Number(r.grant_option) === 1,
      origin: r.origin as AccessOrigin,
      grantedBy: r.granted_by,
      createdMs: Number(r.created_ms),
    }));
  }

  /** Adds the grant, or updates its grant option and origin when it is there already. */
  async putGrant(g: GrantRow): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const found = await keyed(tx.selectFrom('silt_grants').select('grantee'), g).executeTakeFirst();
      if (found) {
        await keyed(tx.updateTable('silt_grants').set({ grant_option: g.grantOption ? 1 : 0, origin: g.origin }), g).execute();
        return;
      }
      await tx
        .insertInto('silt_grants')
        .values({
          grantee: g.grantee,
          privilege: g.privilege,
          securable: g.securable,
          namespace: g.namespace,
          table_name: g.table,
          column_name: g.column,
          grant_option: g.grantOption ? 1 : 0,
          origin: g.origin,
          granted_by: g.grantedBy,
          created_ms: g.createdMs,
        })
        .execute();
    });
  }

  async removeGrant(k: GrantKey): Promise<boolean> {
    const r = await keyed(this.db.deleteFrom('silt_grants'), k).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

interface Whereable<Q> {
  where(column: 'grantee' | 'privilege' | 'securable' | 'namespace' | 'table_name' | 'column_name', op: '=', value: string): Q;
}

function keyed<Q extends Whereable<Q>>(q: Q, k: GrantKey): Q {
  return q
    .where('grantee', '=', k.grantee)
    .where('privilege', '=', k.privilege)
    .where('securable', '=', k.securable)
    .where('namespace', '=', k.namespace)
    .where('table_name', '=', k.table)
    .where('column_name', '=', k.column);
}

function toToken(r: MetadataDb['silt_tokens']): TokenRow {
  const n = (v: number | null): number | null => (v === null ? null : Number(v));
  return {
    tokenId: r.token_id,
    principal: r.principal,
    secretSha256: r.secret_sha256,
    purpose: r.purpose as TokenRow['purpose'],
    note: r.note,
    createdMs: Number(r.created_ms),
    expiresMs: n(r.expires_ms),
    revokedMs: n(r.revoked_ms),
    lastUsedMs: n(r.last_used_ms),
  };
}
