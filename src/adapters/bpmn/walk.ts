import type { ModdleElement } from 'bpmn-moddle';

/** Every moddle element in the tree under `root` (each once; references are not followed twice). */
export function allElements(root: ModdleElement): ModdleElement[] {
  const seen = new Set<object>();
  const out: ModdleElement[] = [];
  const visit = (value: unknown, key: string): void => {
    if (key === '$parent' || value === null || typeof value !== 'object' || seen.has(value)) return;
    if (Array.isArray(value)) return value.forEach((item) => visit(item, ''));
    seen.add(value);
    const element = value as ModdleElement;
    if (typeof element.$type === 'string') out.push(element);
    for (const [childKey, child] of Object.entries(element)) {
      if (!childKey.endsWith('Ref') && !childKey.endsWith('Refs') && childKey !== 'default') visit(child, childKey);
    }
  };
  visit(root, '');
  return out;
}

/** The name/value pairs of `camunda:properties` in an element's extension elements. */
export function camundaProperties(element: ModdleElement | undefined): Record<string, string> {
  const extension = element?.extensionElements as { values?: ModdleElement[] } | undefined;
  const result: Record<string, string> = {};
  for (const value of extension?.values ?? []) {
    if (value.$type !== 'camunda:Properties') continue;
    for (const property of (value.values as ModdleElement[] | undefined) ?? []) {
      if (typeof property.name === 'string') result[property.name] = String(property.value ?? '');
    }
  }
  return result;
}
