/**
 * Waits for every one of `writes` (absent ones skipped), then throws the first failure. Used to send
 * independent idempotent writes together: a caller that retries never starts again while a write of
 * the failed attempt is still in flight.
 */
export async function settleAll(writes: readonly (Promise<unknown> | undefined)[]): Promise<void> {
  const results = await Promise.allSettled(writes);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}
