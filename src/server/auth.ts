import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { Principal } from '../engine/index.js';
import { toHttpError } from '../errors-http.js';
import { authenticate, projectGrants, type Privilege, type Securable } from '../governance/index.js';
import type { ServerDeps } from './deps.js';
import type { Project } from '../project/index.js';
import { ErrorSchema } from './error-schema.js';
import { icebergError, IcebergErrorSchema } from './iceberg/errors.js';

/**
 * What answers without a token: health (load balancers and the CLI's check that a server is there),
 * the OpenAPI document (it describes the API, holds no data, and is how clients and fuzzers learn
 * the routes) and the Iceberg REST catalog's OAuth2 token endpoint (which is how a client gets one).
 */
export const OPEN_PATHS: readonly string[] = ['/v1/health', '/openapi.json', '/iceberg/v1/oauth/tokens'];

/** The console's page and bundled assets hold no data: the page asks for a token before it calls the API. */
function isConsoleAsset(path: string): boolean {
  return path === '/' || path.startsWith('/assets/');
}

const PRINCIPAL = 'silt.principal';

/**
 * Every other request needs `Authorization: Bearer <token>`: the token's principal is who the request
 * acts as (`requestPrincipal`). A missing or bad token is a 401 in the error model of the API it
 * asked (the Iceberg REST one under /iceberg).
 */
export function requireToken(project: Project): MiddlewareHandler {
  return async (c, next) => {
    if (OPEN_PATHS.includes(c.req.path) || isConsoleAsset(c.req.path)) return next();
    let principal: Principal;
    try {
      principal = await authenticate(project.catalog, c.req.header('authorization'));
    } catch (e) {
      const { status, body } = c.req.path.startsWith('/iceberg/') ? icebergError(e) : toHttpError(e);
      c.header('WWW-Authenticate', 'Bearer realm="silt"');
      return c.json(body, status as 401);
    }
    c.set(PRINCIPAL as never, principal as never);
    return next();
  };
}

/**
 * A privilege the request's principal must hold for what an API route does besides SQL: a run or
 * its cancel writes every layer (MODIFY on the catalog), a push writes its source's bronze table,
 * a replay the table it replays into.
 */
export async function requireGrant(deps: ServerDeps, c: Context, privilege: Privilege, on: Securable): Promise<void> {
  await projectGrants(deps.project.catalog, deps.project.config).require(deps.principalOf(c), privilege, on);
}

/** The principal the request's token named (set by `requireToken`). */
export function requestPrincipal(c: Context): Principal {
  const p = c.get(PRINCIPAL as never) as Principal | undefined;
  if (!p) throw new Error(`no principal for ${c.req.path}: requireToken did not run`);
  return p;
}

/**
 * The OpenAPI document says every operation takes a bearer token, except those that declare
 * `security: []`, and that each of the others may answer 401 (no valid token) and 403 (a grant is
 * missing) in its API's error model. Called once every route is mounted.
 */
export function declareBearer(app: OpenAPIHono): { bearer: string[] }[] {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'A Silt API token (`silt token create`) or one the OAuth2 token endpoint issued' });
  for (const def of app.openAPIRegistry.definitions) {
    if (def.type !== 'route' || def.route.security?.length === 0) continue;
    const schema = def.route.path.startsWith('/iceberg/') ? IcebergErrorSchema : ErrorSchema;
    const answer = (description: string) => ({ description, content: { 'application/json': { schema } } });
    def.route.responses[401] ??= answer('No valid bearer token (missing, unknown, revoked or expired)');
    def.route.responses[403] ??= answer('The token\'s principal lacks a grant for this');
  }
  return [{ bearer: [] }];
}
