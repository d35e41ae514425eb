import { OWNER } from '../../engine/index.js';
import { createPrincipal, createToken, parseAccessStatement, projectGrants } from '../../governance/index.js';
import type { Project } from '../../project/index.js';
import type { Credential } from '../client-config.js';

/**
 * A credential for an engine of the dev stack: service principal `name`, made with every privilege
 * on the catalog when missing (an existing one keeps the grants it has), and a new token of it.
 */
export async function serviceCredential(p: Project, name: string, say: (line: string) => void): Promise<Credential> {
  if (!(await p.catalog.access.principal(name))) {
    await createPrincipal(p.catalog, name, 'service');
    await projectGrants(p.catalog, p.config).change(OWNER, parseAccessStatement(`GRANT ALL PRIVILEGES ON CATALOG TO ${name}`));
    say(`made service principal ${name} with every privilege on the catalog (silt principal drop ${name} removes it)`);
  }
  const issued = await createToken(p.catalog, name, { note: 'silt dev trino' });
  return { principal: name, secret: issued.token };
}
