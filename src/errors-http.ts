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

/** Codes whose status is finer than their kind's: who you are (401) and what you may do (403). */
const STATUS_OF_CODE: Readonly<Record<string, number>> = { unauthenticated: 401, access_denied: 403 };

export function toHttpError(e: unknown): { status: number; body: ErrorBody } {
  const status = e instanceof SiltError ? (STATUS_OF_CODE[e.code] ?? HTTP_STATUS[e.kind]) : HTTP_STATUS.internal;
  return { status, body: errorBody(e) };
}
