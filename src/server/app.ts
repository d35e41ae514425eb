import type { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { InvalidInput, NotFound } from '../errors.js';
import { toHttpError } from '../errors-http.js';
import type { ServerDeps } from './deps.js';
import { routeApp } from './route-app.js';
import { declareBearer, requireToken } from './auth.js';
import { healthRoutes } from './routes/health.js';
import { lineageRoutes } from './routes/lineage.js';
import { metricsRoutes } from './routes/metrics.js';
import { alertsRoutes } from './routes/alerts.js';
import { ingestRoutes } from './routes/ingest.js';
import { runsRoutes } from './routes/runs.js';
import { queriesRoutes } from './routes/queries.js';
import { catalogRoutes } from './routes/catalog.js';
import { qualityRoutes } from './routes/quality.js';
import { landingRoutes } from './routes/landing.js';
import { triggersRoutes } from './routes/triggers.js';
import { workgroupsRoutes } from './routes/workgroups.js';
import { icebergRoutes } from './iceberg/index.js';
import { consoleRoutes } from './console-assets.js';
import { tablesSummaryRoutes } from './routes/tables-summary.js';
import { savedQueriesRoutes } from './routes/saved-queries.js';
import { maintenanceRoutes } from './routes/maintenance.js';

export const API_VERSION = '0.1.0';

/**
 * The whole HTTP API: every route module mounted under /v1, errors as the error model's JSON
 * (a bug is a 500 whose body says only that), and the OpenAPI 3.1 document made from the route
 * declarations at /openapi.json.
 */
export function createApp(deps: ServerDeps): OpenAPIHono {
  const app = routeApp();
  app.onError((e, c) => {
    // Hono's own 4xx (a body that is not JSON at all) is the client's mistake, not a bug.
    const { status, body } = toHttpError(e instanceof HTTPException && e.status < 500 ? new InvalidInput(`body: ${e.message}`, { code: 'bad_request', details: { field: 'body' } }) : e);
    if (status >= 500) deps.onInternalError?.(e);
    return c.json(body, status as 500);
  });
  app.notFound((c) => {
    const { status, body } = toHttpError(new NotFound(`no route ${c.req.method} ${c.req.path}; GET /openapi.json lists them`, { code: 'route_not_found' }));
    return c.json(body, status as 404);
  });
  app.use('*', requireToken(deps.project));
  app.route('/v1', healthRoutes(deps, API_VERSION));
  app.route('/v1', lineageRoutes(deps));
  app.route('/', metricsRoutes(deps));
  app.route('/v1', alertsRoutes(deps));
  app.route('/v1', ingestRoutes(deps));
  app.route('/v1', runsRoutes(deps));
  app.route('/v1', queriesRoutes(deps));
  app.route('/v1', catalogRoutes(deps));
  app.route('/v1', tablesSummaryRoutes(deps));
  app.route('/v1', savedQueriesRoutes(deps));
  app.route('/v1', maintenanceRoutes(deps));
  app.route('/v1', qualityRoutes(deps));
  app.route('/v1', landingRoutes(deps));
  app.route('/v1', triggersRoutes(deps));
  app.route('/v1', workgroupsRoutes(deps));
  app.route('/iceberg', icebergRoutes(deps));
  app.route('/', consoleRoutes());
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    security: declareBearer(app),
    info: { title: 'Silt', version: API_VERSION, description: 'The lakehouse API: catalog, queries, runs, ingest, lineage.' },
  });
  return app;
}
