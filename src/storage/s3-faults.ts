import { EnvironmentFault, NotFound, UNREACHABLE as OUTAGE } from '../errors.js';

/** Where a bucket is, for messages. */
export interface S3Place {
  bucket: string;
  /** Key prefix of the store inside the bucket: empty or ending in '/'. */
  prefix: string;
  /** The endpoint URL, or `AWS S3`. */
  endpoint: string;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'TimeoutError']);
const DENIED = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'Forbidden']);

/**
 * S3's answer as Silt's error: a missing object is NotFound naming its key; a missing bucket,
 * refused credentials or an unreachable endpoint are EnvironmentFaults saying what to fix. Any
 * other answer (412, 409, 416, which callers read) is returned as it came.
 */
export function s3Fault(e: unknown, verb: string, key: string, place: S3Place): unknown {
  const err = e as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; message?: string };
  const name = err?.name ?? '';
  const status = err?.$metadata?.httpStatusCode;
  const where = `s3://${place.bucket}/${place.prefix}${key}`;
  if (name === 'NoSuchBucket') {
    return new EnvironmentFault(`storage: the bucket ${place.bucket} does not exist at ${place.endpoint}; create it, or correct storage.location in silt.yaml`, { cause: e, details: { file: where } });
  }
  if (name === 'NoSuchKey' || name === 'NotFound' || (status === 404 && name !== 'NoSuchUpload')) {
    return new NotFound(`storage: no object at ${key}`, { cause: e, details: { file: where } });
  }
  if (DENIED.has(name) || status === 403) {
    return new EnvironmentFault(
      `storage: ${place.endpoint} refused to ${verb} ${where} (${name || status}); give silt credentials allowed to (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE) and retry`,
      { cause: e, details: { file: where } },
    );
  }
  if (name === 'CredentialsProviderError') {
    return new EnvironmentFault(`storage: no AWS credentials to ${verb} ${where}; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) and retry`, { cause: e, details: { file: where } });
  }
  if (UNREACHABLE.has(err?.code ?? '') || UNREACHABLE.has(name) || aggregateUnreachable(e)) {
    return new EnvironmentFault(`storage: cannot reach S3 at ${place.endpoint} to ${verb} ${where} (${err?.code ?? name}); check storage.s3.endpoint in silt.yaml and that the server runs, then retry`, {
      cause: e,
      code: OUTAGE,
      details: { file: where },
    });
  }
  // A server starting, stopping or overloaded (500, 503 SlowDown) after the SDK's own retries.
  if (status !== undefined && status >= 500) {
    return new EnvironmentFault(`storage: S3 at ${place.endpoint} answered ${status} (${name || 'server error'}) to ${verb} ${where}; check that the server runs, then retry`, {
      cause: e,
      code: OUTAGE,
      details: { file: where },
    });
  }
  return e;
}

/** Node's fetch-free HTTP client reports a refused connection to both IPv4 and IPv6 as an AggregateError. */
function aggregateUnreachable(e: unknown): boolean {
  return e instanceof AggregateError && e.errors.some((x: { code?: string }) => UNREACHABLE.has(x?.code ?? ''));
}
