import type { FieldIssue } from '../errors.js';
import type { DataNode, DataShape, FormComponent } from './form-schema.js';

type MutableShape = Map<string, DataNode>;

/**
 * Entries one dynamic list of a form takes in a submission at least; for a list inside a list,
 * counted over all the outer entries together. Every rule of the list's fields runs once per
 * entry, so the count bounds that work whatever the nesting; 200 rows is far more than a
 * help-desk form asks anyone to fill in. A list of few fields may take more: see MAX_LIST_VALUES.
 */
export const MAX_LIST_ITEMS = 200;

/**
 * Field values all the entries of one list may hold together: a list of few fields takes up to
 * this many divided by its fields (the knowledge base's checklist ticks, 5 fields each, may number
 * 50 checklists × 50 items), and never fewer than MAX_LIST_ITEMS entries.
 */
export const MAX_LIST_VALUES = 20_000;

const fieldCounts = new WeakMap<DataShape, number>();

/** The entries a list whose entries have the shape `children` takes at most. */
export function listEntriesCap(children: DataShape): number {
  return Math.max(MAX_LIST_ITEMS, Math.floor(MAX_LIST_VALUES / Math.max(1, fieldsIn(children))));
}

/** Fields in a shape and below it (lists inside it counted once). */
function fieldsIn(shape: DataShape): number {
  let count = fieldCounts.get(shape);
  if (count === undefined) {
    count = [...shape.values()].reduce(
      (sum, node) => sum + (node.kind === 'field' ? 1 : fieldsIn(node.children)),
      0,
    );
    fieldCounts.set(shape, count);
  }
  return count;
}

/**
 * Derives the shape of the data a form accepts from its components: a dotted field
 * key or group path nests objects, a dynamic list holds an array of objects. Two
 * components claiming the same property are reported as `duplicate-key`.
 */
export function buildDataShape(components: readonly FormComponent[], issues: FieldIssue[]): DataShape {
  const shape: MutableShape = new Map();
  addComponents(components, shape, '', issues);
  return shape;
}

function addComponents(
  components: readonly FormComponent[],
  shape: MutableShape,
  prefix: string,
  issues: FieldIssue[],
): void {
  for (const component of components) {
    if (component.type === 'group') {
      // A group without a path is layout only: its fields sit beside the group's siblings.
      const target = component.path ? objectAt(shape, component.path.split('.'), prefix, issues) : shape;
      addComponents(
        component.components,
        target,
        component.path ? `${prefix}${component.path}.` : prefix,
        issues,
      );
    } else if (component.type === 'dynamiclist') {
      if (component.path === '') continue;
      const children: MutableShape = new Map();
      addComponents(component.components, children, `${prefix}${component.path}[].`, issues);
      place(shape, component.path, { kind: 'list', list: component, children }, prefix, issues);
    } else if ('key' in component && component.key !== '') {
      place(shape, component.key, { kind: 'field', field: component }, prefix, issues);
    }
  }
}

function place(
  shape: MutableShape,
  dottedPath: string,
  node: DataNode,
  prefix: string,
  issues: FieldIssue[],
): void {
  const segments = dottedPath.split('.');
  const last = segments.pop() as string;
  const parent = objectAt(shape, segments, prefix, issues);
  const path = `${prefix}${dottedPath}`;
  if (parent.has(last)) {
    issues.push({
      path,
      reason: 'duplicate-key',
      message: `component <${path}> uses a key another component already uses`,
    });
  } else {
    parent.set(last, node);
  }
}

/** The object at `segments` below `shape`, created on the way; a field in the way is a conflict. */
function objectAt(
  shape: MutableShape,
  segments: readonly string[],
  prefix: string,
  issues: FieldIssue[],
): MutableShape {
  let current = shape;
  for (const [index, segment] of segments.entries()) {
    const existing = current.get(segment);
    if (existing === undefined) {
      const children: MutableShape = new Map();
      current.set(segment, { kind: 'object', children });
      current = children;
    } else if (existing.kind === 'object') {
      current = existing.children as MutableShape;
    } else {
      const path = `${prefix}${segments.slice(0, index + 1).join('.')}`;
      issues.push({
        path,
        reason: 'duplicate-key',
        message: `component <${path}> is a field, yet another key nests below it`,
      });
      return new Map();
    }
  }
  return current;
}
