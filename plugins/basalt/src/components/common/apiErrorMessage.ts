/**
 * What the API said when it refused a request. A `ResponseError` carries
 * only "Request failed with 409 Conflict" as its message; the reason the
 * backend gave ("a cluster named … already exists") is in its cause.
 */
export function apiErrorMessage(error: unknown): string {
  const { message, cause, statusCode } = error as {
    message?: string;
    cause?: { message?: unknown };
    statusCode?: number;
  };
  const reason = typeof cause?.message === 'string' ? cause.message : '';
  if (reason) return statusCode ? `${reason} (${statusCode})` : reason;
  return message || String(error);
}
