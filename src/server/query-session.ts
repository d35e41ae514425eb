import { type Principal, SqlSession } from '../engine/index.js';
import type { Project } from '../project/index.js';

/**
 * A SQL session for one request's reads (samples, quarantine browsing), on an engine locked like
 * `silt query`'s: every table binds through the access policy with `principal`.
 */
export async function withUserSession<T>(project: Project, principal: Principal, fn: (sql: SqlSession) => Promise<T>): Promise<T> {
  const engine = await project.openUserSqlEngine();
  try {
    return await fn(new SqlSession(engine, project.catalog, { principal, policy: project.accessPolicy, governor: project.governance, trinoForms: true }));
  } finally {
    engine.close();
  }
}
