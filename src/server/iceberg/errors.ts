import { z } from '@hono/zod-openapi';
import { SiltError } from '../../errors.js';

/** The Iceberg REST spec's error model: `{"error": {"message", "type", "code"}}`. */
export const IcebergErrorSchema = z
  .object({ error: z.object({ message: z.string(), type: z.string(), code: z.number().int(), stack: z.array(z.string()).optional() }) })
  .openapi('IcebergErrorModel');

/** Silt's error kinds (and finer codes) as the spec's exception types and statuses. */
export function icebergError(e: unknown): { status: number; body: z.infer<typeof IcebergErrorSchema> } {
  const [status, type] = classify(e);
  const message = e instanceof SiltError ? e.message : 'internal error: a bug in Silt; the server log has the details';
  return { status, body: { error: { message, type, code: status } } };
}

function classify(e: unknown): [number, string] {
  if (!(e instanceof SiltError)) return [500, 'InternalServerError'];
  switch (e.kind) {
    case 'invalid_input':
      if (e.code === 'unauthenticated') return [401, 'NotAuthorizedException'];
      if (e.code === 'access_denied') return [403, 'ForbiddenException'];
      return e.code === 'namespace_not_empty' ? [409, 'NamespaceNotEmptyException'] : [400, 'BadRequestException'];
    case 'not_found':
      if (e.code === 'namespace_not_found') return [404, 'NoSuchNamespaceException'];
      if (e.code === 'table_not_found') return [404, 'NoSuchTableException'];
      if (e.code === 'view_not_found') return [404, 'NoSuchViewException'];
      return [404, 'NotFoundException'];
    case 'already_exists':
      return [409, 'AlreadyExistsException'];
    case 'commit_conflict':
      return [409, 'CommitFailedException'];
    case 'environment_fault':
      return [503, 'ServiceUnavailableException'];
    default:
      return [500, 'InternalServerError'];
  }
}

const WHAT: Record<number, string> = {
  400: 'BadRequestException: a malformed request (the message names the field)',
  401: 'NotAuthorizedException: no valid bearer token',
  403: 'ForbiddenException: the principal lacks a grant (the message names the policy)',
  404: 'NoSuchNamespaceException, NoSuchTableException or NoSuchViewException',
  409: 'AlreadyExistsException, NamespaceNotEmptyException or CommitFailedException (a requirement no longer holds: reload and retry)',
  503: 'ServiceUnavailableException: a fault of the machine or of the files under Silt',
  500: 'InternalServerError: a bug in Silt',
};

/** The error answers a REST catalog route declares (500 always). */
export function icebergErrors<S extends 400 | 404 | 409 | 503>(...statuses: S[]) {
  const out = {} as Record<S | 401 | 403 | 500, { description: string; content: { 'application/json': { schema: typeof IcebergErrorSchema } } }>;
  for (const s of [...statuses, 401 as const, 403 as const, 500 as const]) out[s] = { description: WHAT[s]!, content: { 'application/json': { schema: IcebergErrorSchema } } };
  return out;
}
