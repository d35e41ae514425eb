import { errorBody, SiltError, type ErrorBody, type ErrorKind } from './errors.js';

/** The HTTP face's status per kind of error; the body is the same data the CLI prints with SILT_ERRORS=json. */
export const HTTP_STATUS: Readonly<Record<ErrorKind | 'internal', number>> = {
  invalid_input: 400,
  not_found: 404,
  already_exists: 409,
  commit_conflict: 409,
  run_failed: 422,
  environment_fault: 503,
  internal: 500,
};

export function toHttpError(e: unknown): { status: number; body: ErrorBody } {
  return { status: HTTP_STATUS[e instanceof SiltError ? e.kind : 'internal'], body: errorBody(e) };
}
