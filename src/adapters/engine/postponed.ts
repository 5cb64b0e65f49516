/** The part of bpmn-engine's activity api the runner uses on waiting activities. */
export interface PostponedApi {
  readonly id: string;
  readonly executionId: string;
  readonly content?: { readonly isMultiInstance?: boolean };
  getPostponed?(): PostponedApi[];
  signal(message?: unknown): void;
  discard(): void;
}

/**
 * Waiting activities at every depth: tasks and timers inside sub-processes included, each once.
 * A multi-instance sub-process lists itself and its iterations among its own postponed, and each
 * iteration lists them again: without the visited set the walk never ends (a stack overflow, an
 * incident at start for any multi-instance sub-process with a wait inside).
 */
export function allPostponed(top: readonly unknown[]): PostponedApi[] {
  const seen = new Set<string>();
  const found: PostponedApi[] = [];
  const pending = [...(top as PostponedApi[])].reverse();
  while (pending.length) {
    const api = pending.pop() as PostponedApi;
    const key = api.executionId ?? `flow:${api.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    found.push(api);
    if (typeof api.getPostponed !== 'function') continue;
    const children = api.getPostponed().filter((c) => c.executionId !== api.executionId);
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i] as PostponedApi);
  }
  return found;
}
