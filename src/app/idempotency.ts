import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors.js';

/** Printable ASCII without spaces, 1–200 characters (UUIDs, ULIDs and the like). */
const KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * The `Idempotency-Key` a client sent, validated; undefined when none was sent.
 * BAD_REQUEST names the header when it is empty, too long or not printable.
 */
export function parseIdempotencyKey(value: unknown, field = 'Idempotency-Key'): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !KEY.test(value)) {
    throw new AppError('BAD_REQUEST', `${field} must be 1 to 200 printable characters without spaces`, [
      { path: field, reason: 'format', message: 'use e.g. a random UUID per logical request' },
    ]);
  }
  return value;
}

/**
 * The id of the instance a start with this key opens: a name-based UUID (version 5 layout,
 * SHA-256 instead of SHA-1) of the user and the key, so a retried start meets the instance its
 * first attempt committed. Keys are scoped per user: two users' equal keys name two instances.
 */
export function instanceIdForKey(userId: string, key: string): string {
  const bytes = createHash('sha256').update(`helpdesk-start\n${userId}\n${key}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
