import { AppError, type FieldIssue } from '../domain/errors.js';
import { migrationXmlOf, readMigrationXml, type MigrationXml, type VersionXml } from './migration-xml.js';

/** What a supervisor or analyst asks (ADR 0031). */
export interface MigrationRequest {
  readonly procedureId: string;
  readonly fromVersion: number;
  readonly toVersion: number;
  /** Source activity id → target activity id. */
  readonly mapping: Readonly<Record<string, string>>;
  /** Also map activities whose id exists in both versions (default true, Camunda's `mapEqualActivities`). */
  readonly mapEqualActivities: boolean;
  /** Only these tickets (at most 500); absent: every running ticket of the source version. */
  readonly instanceIds?: readonly string[];
}

const ID = /^[A-Za-z_][A-Za-z0-9_.-]{0,199}$/;
const PROCEDURE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MAX_MAPPINGS = 200;
const MAX_INSTANCES = 500;

/** Checks the request body, listing every problem (VALIDATION_FAILED naming the field). */
export function parseMigrationRequest(input: unknown): MigrationRequest {
  const body = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  const problem = (path: string, message: string) =>
    issues.push({ path, reason: 'invalid', message: `${path}: ${message}` });
  const procedureId = typeof body.procedureId === 'string' ? body.procedureId : '';
  if (!PROCEDURE_ID.test(procedureId)) problem('procedureId', 'a procedure id (kebab-case)');
  const version = (key: string) => {
    const value = body[key];
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 1_000_000)
      return value;
    problem(key, 'a version number (1, 2, ...)');
    return 0;
  };
  const fromVersion = version('fromVersion');
  const toVersion = version('toVersion');
  const mapping: Record<string, string> = {};
  const rawMapping = body.mapping ?? {};
  if (typeof rawMapping !== 'object' || rawMapping === null || Array.isArray(rawMapping)) {
    problem('mapping', 'an object of source activity id → target activity id');
  } else {
    const entries = Object.entries(rawMapping);
    if (entries.length > MAX_MAPPINGS) problem('mapping', `at most ${MAX_MAPPINGS} entries`);
    for (const [from, to] of entries.slice(0, MAX_MAPPINGS)) {
      if (!ID.test(from) || typeof to !== 'string' || !ID.test(to))
        problem(`mapping.${from.slice(0, 50)}`, 'activity ids');
      else mapping[from] = to;
    }
  }
  const mapEqualActivities = body.mapEqualActivities === undefined ? true : body.mapEqualActivities === true;
  let instanceIds: string[] | undefined;
  if (body.instanceIds !== undefined) {
    const ids = body.instanceIds;
    if (
      !Array.isArray(ids) ||
      ids.length > MAX_INSTANCES ||
      !ids.every((id) => typeof id === 'string' && id.length <= 100)
    ) {
      problem('instanceIds', `a list of at most ${MAX_INSTANCES} instance ids`);
    } else instanceIds = [...new Set(ids as string[])];
  }
  if (issues.length) {
    throw new AppError('VALIDATION_FAILED', `migration: ${issues.map((i) => i.message).join('; ')}`, issues);
  }
  return {
    procedureId,
    fromVersion,
    toVersion,
    mapping,
    mapEqualActivities,
    ...(instanceIds ? { instanceIds } : {}),
  };
}

/**
 * The saved engine state moved to the target version: the `bpmn:definitions` id of the source
 * becomes the target's, and each moved activity id becomes its target's, with the waiting
 * execution renamed `<target>_<old suffix>v<version>` so its task reopens under the target's
 * spec. Variables (every `environment`) are left as they are. Walks the JSON iteratively.
 * `from` and `to` are the versions (their XML read once per version) or BPMN texts (read on
 * each call: a migration passes versions).
 */
export function movedState(
  engineState: unknown,
  moves: readonly { readonly from: string; readonly to: string }[],
  from: VersionXml | string,
  to: VersionXml | string,
  toVersion: number,
): unknown {
  const renames = new Map<string, string>();
  const fromDefinitions = readingOf(from).definitionsId;
  const toDefinitions = readingOf(to).definitionsId;
  if (fromDefinitions && toDefinitions && fromDefinitions !== toDefinitions)
    renames.set(fromDefinitions, toDefinitions);
  for (const move of moves) renames.set(move.from, move.to);
  const rename = (text: string): string => {
    const whole = renames.get(text);
    if (whole !== undefined) return whole;
    const cut = text.lastIndexOf('_');
    if (cut <= 0) return text;
    const move = moves.find((m) => m.from === text.slice(0, cut));
    return move && /^[0-9a-f]+$/.test(text.slice(cut + 1))
      ? `${move.to}_${text.slice(cut + 1)}v${toVersion}`
      : text;
  };
  const root = structuredClone(engineState) as unknown;
  const pending: unknown[] = [root];
  while (pending.length) {
    const node = pending.pop();
    if (Array.isArray(node)) {
      node.forEach((value, i) =>
        typeof value === 'string' ? (node[i] = rename(value)) : pending.push(value),
      );
    } else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      for (const [key, value] of Object.entries(record)) {
        if (key === 'environment') continue;
        if (typeof value === 'string') record[key] = rename(value);
        else pending.push(value);
      }
    }
  }
  return root;
}

/**
 * The joining gateway a waiting sequence flow leads to, if it is one (a parallel or inclusive
 * join partly reached keeps the arrived flow pending). `source` is the version (its XML read
 * once per version) or a BPMN text (read on each call).
 */
export function joinReachedBy(source: VersionXml | string, flowId: string): string | undefined {
  const { flowTargets, joins } = readingOf(source);
  const target = flowTargets.get(flowId);
  return target !== undefined && joins.has(target) ? target : undefined;
}

function readingOf(source: VersionXml | string): MigrationXml {
  return typeof source === 'string' ? readMigrationXml(source) : migrationXmlOf(source);
}

/** Nodes of a saved engine state walked at most when looking for pending flows. */
const MAX_STATE_NODES = 200_000;

/**
 * Sequence flows whose token is saved but not yet taken in by their target: the arrived flows of
 * a partly reached join (bpmn-elements keeps them as `flow.take` messages of the process's
 * execution queue). Read from the engine state itself, so a migration sees them whatever the
 * runner lists among the active activities. Walks the JSON iteratively, bounded.
 */
export function pendingFlows(engineState: unknown): string[] {
  let root = engineState;
  if (typeof root === 'string') {
    try {
      root = JSON.parse(root) as unknown;
    } catch {
      return [];
    }
  }
  const found = new Set<string>();
  const pending: unknown[] = [root];
  for (let seen = 0; pending.length && seen < MAX_STATE_NODES; seen++) {
    const node = pending.pop();
    if (Array.isArray(node)) {
      for (const item of node as unknown[]) pending.push(item);
      continue;
    }
    if (!node || typeof node !== 'object') continue;
    const record = node as Record<string, unknown>;
    const fields = record.fields as { routingKey?: unknown } | undefined;
    const content = record.content as { id?: unknown; type?: unknown } | undefined;
    if (fields?.routingKey === 'flow.take' && content?.type === 'bpmn:SequenceFlow') {
      if (typeof content.id === 'string') found.add(content.id);
      continue;
    }
    for (const [key, value] of Object.entries(record)) {
      if (key !== 'environment' && value && typeof value === 'object') pending.push(value);
    }
  }
  return [...found];
}
