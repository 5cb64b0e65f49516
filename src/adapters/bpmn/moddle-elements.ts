import type { ModdleElement } from 'bpmn-moddle';

/** Every moddle element reachable from `root`, each once, parents first (iterative: no deep recursion). */
export function allElements(root: ModdleElement): ModdleElement[] {
  const seen = new Set<object>();
  const found: ModdleElement[] = [];
  const pending: unknown[] = [root];
  while (pending.length) {
    const value = pending.pop();
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      pushReversed(pending, value);
      continue;
    }
    const element = value as ModdleElement;
    if (typeof element.$type === 'string') found.push(element);
    const nested = Object.entries(element).filter(([key]) => !key.startsWith('$') || key === '$children');
    pushReversed(
      pending,
      nested.map(([, child]) => child),
    );
  }
  return found;
}

/** Pushes `items` last-first, so that they are popped in order (a loop: lists may be huge). */
function pushReversed(stack: unknown[], items: readonly unknown[]): void {
  for (let i = items.length - 1; i >= 0; i--) stack.push(items[i]);
}

/** The id of the element or of its nearest ancestor that has one. */
export function ownerId(element: ModdleElement): string {
  let current: ModdleElement | undefined = element;
  while (current && !(typeof current.id === 'string' && current.id)) {
    current = current.$parent as ModdleElement | undefined;
  }
  return current?.id ?? element.$type;
}
