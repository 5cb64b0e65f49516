import { parseIdempotencyKey } from '../../../app/idempotency.js';

/** Name of the hidden field carrying the random key rendered into the start and task forms. */
export const IDEMPOTENCY_FIELD = '_idempotencyKey';

/**
 * The idempotency key a web form posted (a hidden field with a random key per rendered form);
 * undefined when absent, BAD_REQUEST when malformed.
 */
export function formIdempotencyKey(body: unknown): string | undefined {
  const value =
    typeof body === 'object' && body !== null
      ? (body as Record<string, unknown>)[IDEMPOTENCY_FIELD]
      : undefined;
  return parseIdempotencyKey(value === '' ? undefined : value, IDEMPOTENCY_FIELD);
}
