import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { Principal } from '../engine/index.js';
import { toHttpError } from '../errors-http.js';
import { authenticate } from '../governance/index.js';
import type { Project } from '../project/index.js';
import { icebergError } from './iceberg/errors.js';

/**
 * What answers without a token: health (load balancers and the CLI's check that a server is there),
 * the OpenAPI document (it describes the API, holds no data, and is how clients and fuzzers learn
 * the routes) and the Iceberg REST catalog's OAuth2 token endpoint (which is how a client gets one).
 */
export const OPEN_PATHS: readonly string[] = ['/v1/health', '/openapi.json', '/iceberg/v1/oauth/tokens'];

const PRINCIPAL = 'silt.principal';

/**
 * Every other request needs `Authorization: Bearer <token>`: the token's principal is who the request
 * acts as (`requestPrincipal`). A missing or bad token is a 401 in the error model of the API it
 * asked (the Iceberg REST one under /iceberg).
 */
export function requireToken(project: Project): MiddlewareHandler {
  return async (c, next) => {
    if (OPEN_PATHS.includes(c.req.path)) return next();
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

/** The principal the request's token named (set by `requireToken`). */
export function requestPrincipal(c: Context): Principal {
  const p = c.get(PRINCIPAL as never) as Principal | undefined;
  if (!p) throw new Error(`no principal for ${c.req.path}: requireToken did not run`);
  return p;
}

/** The OpenAPI document says every operation takes a bearer token, except those that declare `security: []`. */
export function declareBearer(app: OpenAPIHono): { bearer: string[] }[] {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'A Silt API token (`silt token create`) or one the OAuth2 token endpoint issued' });
  return [{ bearer: [] }];
}
