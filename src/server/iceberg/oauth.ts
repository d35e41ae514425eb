import { createRoute, z } from '@hono/zod-openapi';
import { exchangeClientCredentials, OAUTH_TOKEN_SECONDS } from '../../governance/index.js';
import { Unauthenticated } from '../../errors.js';
import type { ServerDeps } from '../deps.js';
import { routeApp } from '../route-app.js';
import { icebergError } from './errors.js';

const TokenRequest = z
  .object({
    grant_type: z.string().openapi({ example: 'client_credentials' }),
    client_id: z.string().optional(),
    client_secret: z.string().optional(),
    scope: z.string().optional(),
  })
  .openapi('IcebergOAuthTokenRequest');

const TokenResponse = z
  .object({ access_token: z.string(), token_type: z.literal('bearer'), expires_in: z.number().int(), issued_token_type: z.string() })
  .openapi('IcebergOAuthTokenResponse');

const OAuthError = z
  .object({
    error: z.enum(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope']),
    error_description: z.string().optional(),
  })
  .openapi('IcebergOAuthError');

const tokens = createRoute({
  method: 'post',
  path: '/v1/oauth/tokens',
  summary: 'Iceberg REST: OAuth2 client credentials (client_id a principal, client_secret one of its tokens) for a bearer token that lives an hour',
  security: [],
  request: { body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: TokenRequest } } } },
  responses: {
    200: { description: 'A bearer token', content: { 'application/json': { schema: TokenResponse } } },
    400: { description: 'A malformed request or a grant type other than client_credentials', content: { 'application/json': { schema: OAuthError } } },
    401: { description: 'Unknown client or a secret that is not one of its valid tokens', content: { 'application/json': { schema: OAuthError } } },
  },
});

/**
 * The token endpoint PyIceberg (`credential=client_id:secret`), Spark and Trino call before any
 * other: the answer is an OAuth2 error (RFC 6749 §5.2), not the catalog's error model.
 */
export function oauthRoutes(deps: ServerDeps) {
  return routeApp(icebergError).openapi(
    tokens,
    async (c) => {
      const body = c.req.valid('form');
      if (body.grant_type !== 'client_credentials') {
        return c.json({ error: 'unsupported_grant_type' as const, error_description: `grant_type ${JSON.stringify(body.grant_type)}: only client_credentials is served` }, 400);
      }
      // RFC 6749 §2.3.1: the credentials come in the form or as HTTP Basic (DuckDB sends them so).
      const basic = basicCredentials(c.req.header('authorization'));
      const clientId = body.client_id ?? basic?.id;
      const clientSecret = body.client_secret ?? basic?.secret;
      if (!clientId || !clientSecret) {
        return c.json({ error: 'invalid_request' as const, error_description: 'client_id and client_secret are required (the principal and one of its tokens)' }, 400);
      }
      try {
        const issued = await exchangeClientCredentials(deps.project.catalog, clientId, clientSecret);
        return c.json({ access_token: issued.token, token_type: 'bearer' as const, expires_in: OAUTH_TOKEN_SECONDS, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' }, 200);
      } catch (e) {
        if (!(e instanceof Unauthenticated)) throw e;
        return c.json({ error: 'invalid_client' as const, error_description: e.message }, 401);
      }
    },
    (result, c) => {
      if (result.success) return;
      const issue = result.error.issues[0];
      return c.json({ error: 'invalid_request' as const, error_description: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` }, 400);
    },
  );
}

/** `Authorization: Basic base64(id:secret)`, each part form-urlencoded (RFC 6749 §2.3.1). */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const at = text.indexOf(':');
  if (at < 0) return undefined;
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part.replaceAll('+', ' '));
    } catch {
      return part;
    }
  };
  return { id: decode(text.slice(0, at)), secret: decode(text.slice(at + 1)) };
}
