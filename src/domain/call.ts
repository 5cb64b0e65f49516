/** Call activities: one procedure instance calling another deployed procedure (issue 16, ADR 0019). */
import { compileExpression } from './expression/index.js';

/** How deep calls may nest: a root ticket is depth 0, the ticket it calls depth 1, and so on. */
export const MAX_CALL_DEPTH = 10;

/** Ended calls kept on a head (newest last); a loop around a call activity keeps only this many. */
export const MAX_CALL_HISTORY = 50;

/** Variables the runtime sets on every ticket and that mappings never copy. */
const RESERVED = new Set(['ticketNumber']);

/** One `camunda:in` / `camunda:out` entry: all variables, one variable, or a safe expression. */
export type VariableMapping =
  | { readonly kind: 'all' }
  | { readonly kind: 'variable'; readonly source: string; readonly target: string }
  | { readonly kind: 'expression'; readonly expression: string; readonly target: string };

/**
 * A `bpmn:callActivity`. `binding`: `latest` (default; Camunda's `deployment` binding is taken
 * as latest too) or `version` (pinned to `version`).
 */
export interface CallActivitySpec {
  readonly id: string;
  readonly name: string;
  readonly calledElement: string;
  readonly binding: 'latest' | 'version';
  readonly version?: number;
  readonly inputs: readonly VariableMapping[];
  readonly outputs: readonly VariableMapping[];
}

/** On a called ticket: the instance and call activity that started it. */
export interface CallerLink {
  readonly instanceId: string;
  readonly businessKey: string;
  readonly procedureId: string;
  readonly activityId: string;
  readonly executionId: string;
  /** 1 for a ticket called by a root ticket. */
  readonly depth: number;
}

/** Status of a call as the calling instance sees it. */
export type CallStatus = 'running' | 'completed' | 'cancelled' | 'failed';

/** On a calling ticket: one instance its call activities started (running or ended). */
export interface CallLink {
  readonly activityId: string;
  readonly executionId: string;
  /** The called instance (derived from the caller, the execution and the attempt). */
  readonly instanceId: string;
  readonly procedureId: string;
  /** 1, then 2… when a supervisor's retry calls again after a called ticket was cancelled or failed. */
  readonly attempt: number;
  readonly status: CallStatus;
  /** Ticket number of the called instance, once it ended (the page looks running ones up). */
  readonly businessKey?: string;
}

/**
 * Applies mappings in order to `source` (the caller's variables for `in`, the called ticket's for
 * `out`). Expressions use the safe expression language; one that fails to evaluate maps to
 * null. The runtime's own variables (`ticketNumber`) are never copied.
 */
export function mapVariables(
  mappings: readonly VariableMapping[],
  source: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const mapping of mappings) {
    if (mapping.kind === 'all') {
      for (const [name, value] of Object.entries(source)) {
        if (!RESERVED.has(name) && !isUnsafeName(name)) result[name] = value;
      }
    } else if (!RESERVED.has(mapping.target) && !isUnsafeName(mapping.target)) {
      result[mapping.target] =
        mapping.kind === 'variable'
          ? Object.hasOwn(source, mapping.source)
            ? source[mapping.source]
            : null
          : evaluateSafely(mapping.expression, source);
    }
  }
  return result;
}

/** The `${ }` body of a mapping expression, or undefined when the text is not one placeholder. */
export function mappingExpression(text: string): string | undefined {
  const match = /^\s*\$\{([\s\S]+)\}\s*$/.exec(text);
  return match?.[1];
}

function evaluateSafely(expression: string, scope: Readonly<Record<string, unknown>>): unknown {
  try {
    return compileExpression(expression).evaluate(scope) ?? null;
  } catch {
    return null;
  }
}

function isUnsafeName(name: string): boolean {
  return name === '__proto__' || name === 'constructor' || name === 'prototype';
}

/** A called ticket to open: an effect of the caller's committed step, applied idempotently. */
export interface StartCall {
  /** Deterministic id (caller, execution, attempt): its unique step 1 guards against a double start. */
  readonly instanceId: string;
  readonly procedureId: string;
  /** Pinned version; absent: the procedure's current version when the effect is applied. */
  readonly version?: number;
  /** The in-mapped variables the called ticket starts with. */
  readonly variables: Record<string, unknown>;
  readonly calledBy: CallerLink;
  /** Who took the caller's step (the called ticket's `startedBy`). */
  readonly actor: string;
}

/** What a step does to other tickets through call activities (effects, applied after the commit). */
export interface CallEffects {
  readonly start?: readonly StartCall[];
  /** Called tickets to cancel (their call activity was left, or the caller ended). */
  readonly cancel?: readonly string[];
  /** This step ended a called ticket: its caller resumes (completed) or gets an incident. */
  readonly returnToCaller?: boolean;
}
