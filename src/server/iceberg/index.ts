import { HTTPException } from 'hono/http-exception';
import { InvalidInput } from '../../errors.js';
import type { ServerDeps } from '../deps.js';
import { routeApp } from '../route-app.js';
import { commitRoutes } from './commits.js';
import { configRoutes } from './config.js';
import { icebergError } from './errors.js';
import { namespaceRoutes } from './namespaces.js';
import { oauthRoutes } from './oauth.js';
import { tableRoutes } from './tables.js';
import { viewRoutes } from './views.js';

/**
 * The Apache Iceberg REST catalog over Silt's catalog (mounted at /iceberg: a client's `uri` is
 * `http://host:port/iceberg`). Every answer that is an error is in the spec's error model.
 */
export function icebergRoutes(deps: ServerDeps) {
  const app = routeApp(icebergError);
  app.onError((e, c) => {
    // Hono's own 4xx (a body that is not JSON at all) is the client's mistake, not a bug.
    const { status, body } = icebergError(e instanceof HTTPException && e.status < 500 ? new InvalidInput(`body: ${e.message}`) : e);
    if (status >= 500) deps.onInternalError?.(e);
    return c.json(body, status as 500);
  });
  app.route('/', oauthRoutes(deps));
  app.route('/', configRoutes(deps));
  app.route('/', namespaceRoutes(deps));
  app.route('/', tableRoutes(deps));
  app.route('/', commitRoutes(deps));
  app.route('/', viewRoutes(deps));
  app.all('/v1/*', (c) => {
    const message = `no route ${c.req.method} ${c.req.path} in this Iceberg REST catalog`;
    return c.json({ error: { message, type: 'NoSuchEndpointException', code: 404 } }, 404);
  });
  return app;
}
