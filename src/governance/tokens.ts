import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Catalog, TokenRow } from '../catalog/index.js';
import { OWNER, type Principal } from '../engine/index.js';
import { NotFound, Unauthenticated } from '../errors.js';
import { principalOf, principalRow } from './principals.js';

/** A token is `silt_<id>_<secret>`: the id finds its row, the secret's SHA-256 must match the one kept. */
const TOKEN = /^silt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** How long a token issued for OAuth2 client credentials lives. */
export const OAUTH_TOKEN_SECONDS = 3600;

export interface IssuedToken {
  /** The whole token: shown once, never stored. */
  token: string;
  row: TokenRow;
}

export interface TokenOptions {
  /** Milliseconds from now until it expires; never when absent. */
  expiresInMs?: number;
  note?: string;
  purpose?: TokenRow['purpose'];
}

/** Makes a token for a user or service principal (or the owner); only its hash is kept. */
export async function createToken(catalog: Catalog, principal: string, opts: TokenOptions = {}): Promise<IssuedToken> {
  if (principal !== OWNER.name) await principalRow(catalog, principal, ['user', 'service']);
  const tokenId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const now = Date.now();
  const row: TokenRow = {
    tokenId,
    principal,
    secretSha256: sha256(secret),
    purpose: opts.purpose ?? 'api',
    note: opts.note ?? null,
    createdMs: now,
    expiresMs: opts.expiresInMs === undefined ? null : now + opts.expiresInMs,
    revokedMs: null,
    lastUsedMs: null,
  };
  await catalog.access.addToken(row);
  return { token: `silt_${tokenId}_${secret}`, row };
}

/** The row of a token whose secret matches, still valid, or Unauthenticated saying why not. */
async function validRow(catalog: Catalog, token: string): Promise<TokenRow> {
  const m = TOKEN.exec(token);
  if (!m) throw new Unauthenticated('auth: the token is not a Silt token (silt_<id>_<secret>); `silt token create` makes one');
  const row = await catalog.access.token(m[1]!);
  const expected = new Uint8Array(Buffer.from(row?.secretSha256 ?? '00'.repeat(32), 'hex'));
  const matches = timingSafeEqual(expected, new Uint8Array(Buffer.from(sha256(m[2]!), 'hex')));
  if (!row || !matches) throw new Unauthenticated('auth: unknown token; `silt token list` shows the tokens that exist');
  const now = Date.now();
  if (row.revokedMs !== null) {
    throw new Unauthenticated(`auth: token ${row.tokenId} was revoked at ${new Date(row.revokedMs).toISOString()}; ask for a new one`, { details: { key: row.tokenId } });
  }
  if (row.expiresMs !== null && row.expiresMs <= now) {
    throw new Unauthenticated(`auth: token ${row.tokenId} expired at ${new Date(row.expiresMs).toISOString()}; ask for a new one`, { details: { key: row.tokenId } });
  }
  return row;
}

/** Who an `Authorization` header's bearer token acts as; Unauthenticated naming what is wrong. */
export async function authenticate(catalog: Catalog, authorization: string | undefined): Promise<Principal> {
  if (!authorization) throw new Unauthenticated('auth: this endpoint needs `Authorization: Bearer <token>`; `silt token create` makes a token');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!m) throw new Unauthenticated('auth: the Authorization header must be `Bearer <token>`');
  const row = await validRow(catalog, m[1]!);
  // Last use is coarse (once a minute), so reads do not each write the catalog.
  if (row.lastUsedMs === null || Date.now() - row.lastUsedMs > 60_000) await catalog.access.touchToken(row.tokenId, Date.now());
  try {
    return await principalOf(catalog, row.principal);
  } catch {
    throw new Unauthenticated(`auth: token ${row.tokenId} belongs to ${row.principal}, who no longer exists`);
  }
}

/**
 * OAuth2 client credentials (the Iceberg REST catalog's token endpoint): `client_id` is a
 * principal, `client_secret` one of its tokens; the answer is a new token that lives an hour.
 */
export async function exchangeClientCredentials(catalog: Catalog, clientId: string, clientSecret: string): Promise<IssuedToken> {
  const row = await validRow(catalog, clientSecret);
  if (row.principal !== clientId) throw new Unauthenticated(`auth: the client secret is not a token of ${clientId}`);
  await catalog.access.pruneTokens(Date.now() - 24 * 3600_000);
  return createToken(catalog, clientId, { purpose: 'oauth', expiresInMs: OAUTH_TOKEN_SECONDS * 1000, note: `client credentials of ${clientId}` });
}

/** The token a starting server gives its own CLI: the owner's; the one a previous server made is revoked. */
export async function serverToken(catalog: Catalog): Promise<string> {
  await catalog.access.revokeTokens({ principal: OWNER.name, purpose: 'server' }, Date.now());
  return (await createToken(catalog, OWNER.name, { purpose: 'server', note: 'silt serve' })).token;
}

export async function revokeToken(catalog: Catalog, tokenId: string): Promise<TokenRow> {
  const row = await catalog.access.token(tokenId);
  if (!row) throw new NotFound(`access: no token ${tokenId}; \`silt token list\` shows them`, { code: 'token_not_found', details: { key: tokenId } });
  await catalog.access.revokeTokens({ tokenId }, Date.now());
  return (await catalog.access.token(tokenId))!;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
