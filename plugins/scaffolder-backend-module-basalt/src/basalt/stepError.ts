import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';

const BY_STATUS: Record<number, new (message: string) => Error> = {
  400: InputError,
  403: NotAllowedError,
  404: NotFoundError,
  409: ConflictError,
};

/**
 * The error a step fails with when the Basalt API refused a request: the
 * API's own message (which names the field and what is allowed), not the
 * client's "Request failed with 400 Bad Request". Other errors pass as they
 * are.
 */
export function stepError(error: unknown): unknown {
  if (!ResponseError.is(error)) return error;
  const Type = BY_STATUS[error.statusCode];
  const message = error.body?.error?.message;
  return Type && message ? new Type(message) : error;
}
