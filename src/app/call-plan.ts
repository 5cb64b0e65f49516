import { createHash } from 'node:crypto';
import {
  mapVariables,
  MAX_CALL_DEPTH,
  MAX_CALL_HISTORY,
  type CallEffects,
  type CallLink,
  type StartCall,
} from '../domain/call.js';
import type { InstanceRecord } from '../domain/instance.js';
import type { ProcedureCatalog } from '../domain/procedure.js';
import type { RunOutcome, StepIncident } from './procedure-engine.js';

const PROCEDURE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The call a step completed (its called ticket ended), so its link is closed as completed. */
export interface CompletedCall {
  readonly executionId: string;
  readonly businessKey: string;
}

/** What a step does to the calls of its instance: the links its head keeps and the effects. */
export interface CallPlan {
  readonly calls: readonly CallLink[];
  readonly effects?: CallEffects;
  /** A call refused at run time (depth cap, bad procedure id): the step becomes an incident. */
  readonly refused?: StepIncident;
}

/** What {@link planCalls} reads of a step. */
export interface CallStep {
  readonly previous: InstanceRecord;
  readonly catalog: ProcedureCatalog;
  readonly actor: { readonly id: string };
  readonly completedCall?: CompletedCall;
}

/**
 * Compares the call activities waiting after the run with the instance's running calls: a new
 * wait starts a called ticket (attempt n+1 when earlier attempts ended without completing); a
 * running call whose activity is no longer waiting is completed (this step completed it) or
 * cancelled (a boundary event interrupted it, or the instance ended). A ticket that this step
 * ends returns to its caller.
 */
export function planCalls(step: CallStep, outcome: RunOutcome): CallPlan {
  const { previous } = step;
  const before = previous.calls ?? [];
  const waiting = outcome.status === 'running' ? (outcome.calls ?? []) : [];
  const isWaiting = (link: CallLink) => waiting.some((w) => w.executionId === link.executionId);
  const cancel: string[] = [];
  const calls: CallLink[] = before.map((link) => {
    if (link.status !== 'running' || isWaiting(link)) return link;
    const done = step.completedCall;
    if (done?.executionId === link.executionId) {
      return { ...link, status: 'completed', businessKey: done.businessKey };
    }
    cancel.push(link.instanceId);
    return { ...link, status: 'cancelled' };
  });
  const start: StartCall[] = [];
  const depth = (previous.calledBy?.depth ?? 0) + 1;
  for (const wait of waiting) {
    if (before.some((link) => link.executionId === wait.executionId && link.status === 'running')) continue;
    const refused = refusal(wait.activityId, wait.calledElement, depth);
    if (refused) return { calls: before, refused };
    const spec = step.catalog.callActivities?.[wait.activityId];
    const attempt = before.filter((link) => link.executionId === wait.executionId).length + 1;
    const instanceId = calledInstanceId(previous.id, wait.executionId, attempt);
    calls.push({
      activityId: wait.activityId,
      executionId: wait.executionId,
      instanceId,
      procedureId: wait.calledElement,
      attempt,
      status: 'running',
    });
    start.push({
      instanceId,
      procedureId: wait.calledElement,
      ...(spec?.binding === 'version' && spec.version ? { version: spec.version } : {}),
      variables: mapVariables(spec?.inputs ?? [], outcome.variables),
      calledBy: {
        instanceId: previous.id,
        businessKey: previous.businessKey,
        procedureId: previous.procedureId,
        activityId: wait.activityId,
        executionId: wait.executionId,
        depth,
      },
      actor: step.actor.id,
    });
  }
  const ends = Boolean(previous.calledBy) && outcome.status !== 'running' && outcome.status !== 'incident';
  const effects: CallEffects = {
    ...(start.length ? { start } : {}),
    ...(cancel.length ? { cancel } : {}),
    ...(ends ? { returnToCaller: true } : {}),
  };
  return { calls: trimmed(calls), ...(Object.keys(effects).length ? { effects } : {}) };
}

/**
 * The id of the ticket a call activity opens: a name-based UUID (version 5 layout, SHA-256) of
 * the caller, the call's execution id and the attempt, so every writer that applies the start
 * (the committer, a later load, the reconciler) names the same instance.
 */
export function calledInstanceId(callerId: string, executionId: string, attempt: number): string {
  const bytes = createHash('sha256')
    .update(`helpdesk-call\n${callerId}\n${executionId}\n${attempt}`)
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function refusal(activityId: string, calledElement: string, depth: number): StepIncident | undefined {
  if (!PROCEDURE_ID.test(calledElement)) {
    const shown = calledElement.slice(0, 100);
    return { activityId, reason: `call activity <${activityId}>: "${shown}" is not a procedure id` };
  }
  if (depth > MAX_CALL_DEPTH) {
    return {
      activityId,
      reason: `call activity <${activityId}>: calls nested deeper than ${MAX_CALL_DEPTH} (a procedure calling itself?)`,
    };
  }
  return undefined;
}

/** Running calls and the latest ended ones (a loop around a call activity keeps the head bounded). */
function trimmed(calls: readonly CallLink[]): CallLink[] {
  const ended = calls.filter((link) => link.status !== 'running');
  const drop = new Set(ended.slice(0, Math.max(0, ended.length - MAX_CALL_HISTORY)));
  return calls.filter((link) => !drop.has(link));
}
