/** The part of bpmn-engine's activity api the runner uses on waiting activities. */
export interface PostponedApi {
  readonly id: string;
  readonly executionId: string;
  readonly content?: { readonly isMultiInstance?: boolean };
  getPostponed?(): PostponedApi[];
  signal(message?: unknown): void;
  discard(): void;
}

/** Waiting activities at every depth: tasks and timers inside sub-processes included. */
export function allPostponed(top: readonly unknown[]): PostponedApi[] {
  return (top as PostponedApi[]).flatMap((api) => {
    const children =
      typeof api.getPostponed === 'function'
        ? api.getPostponed().filter((c) => c.executionId !== api.executionId)
        : [];
    return [api, ...allPostponed(children)];
  });
}
