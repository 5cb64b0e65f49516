import { randomBytes } from 'node:crypto';
import type { Actor } from '../domain/actor.js';
import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import type { FieldIssue } from '../domain/errors.js';
import { requireAnyRole } from './authorization.js';
import type { DefinitionsService } from './definitions-service.js';
import type { InstanceService } from './instance-service.js';
import type { TaskService } from './task-service.js';

/** Procedure ids of dry runs: `dryrun-<12 hex>`; never listed with the real procedures. */
export const DRY_RUN_PREFIX = 'dryrun-';
/** A throwaway instance older than this is cancelled by the next dry run's sweep. */
export const DRY_RUN_TTL_MS = 60 * 60_000;
/** Dry runs remembered for the sweep at most (older ones are swept first). */
const MAX_TRACKED = 1000;
const BYTES = 512 * 1024;

/** True for the procedure id of a dry run. */
export function isDryRun(procedureId: string): boolean {
  return procedureId.startsWith(DRY_RUN_PREFIX);
}

/** What a dry run answers: the throwaway instance and what it waits for, to walk it. */
export interface DryRunState {
  readonly procedureId: string;
  readonly instanceId: string;
  readonly businessKey: string;
  readonly status: string;
  readonly tasks: readonly {
    id: string;
    activityId: string;
    name: string;
    formKey?: string;
    candidateGroups: readonly string[];
    item?: { index: number; count?: number };
  }[];
  readonly awaiting: readonly { kind: string; name: string; activityId: string }[];
  readonly timers: readonly { activityId: string; dueAt: Date }[];
  readonly completedActivities: readonly string[];
  readonly variables: Record<string, unknown>;
  readonly warnings: readonly FieldIssue[];
  /** Send tasks whose email the dry run dropped. */
  readonly silenced: readonly string[];
  readonly error?: string;
}

/** Collaborators of {@link DryRunService}. */
export interface DryRunDeps {
  readonly definitions: DefinitionsService;
  readonly instances: InstanceService;
  readonly tasks: TaskService;
  readonly clock: Clock;
  /** Removes every email from the XML (adapters/bpmn/dry-run-xml.ts). */
  readonly withoutEmails: (xml: string) => Promise<{ xml: string; silenced: string[] }>;
}

/**
 * "Try before deploying" (issue 13, ADR 0031): an analyst's unsaved diagram is deployed under a
 * scratch procedure id and started as a throwaway instance the analyst walks task by task. No
 * email leaves a dry run (send task templates are dropped), dry-run procedures are not listed,
 * and instances are cancelled when the analyst ends the run or an hour later (swept by the next
 * dry run of this process).
 */
export class DryRunService {
  private readonly started = new Map<string, { at: number; actor: string; silenced: string[] }>();

  constructor(private readonly deps: DryRunDeps) {}

  /** Deploys `xml` as `dryrun-<random>` and starts it with `variables` (the start form's data). */
  async start(xml: unknown, variables: unknown, actor: Actor): Promise<DryRunState> {
    requireAnyRole(actor, ['analyst']);
    if (typeof xml !== 'string' || !xml.trim())
      throw new AppError('BAD_REQUEST', 'xml: send the BPMN XML as text');
    if (Buffer.byteLength(xml) > BYTES) throw new AppError('BAD_REQUEST', `xml: over ${BYTES} bytes`);
    await this.sweep();
    const procedureId = `${DRY_RUN_PREFIX}${randomBytes(6).toString('hex')}`;
    const silent = await this.deps.withoutEmails(xml);
    const { version } = await this.deps.definitions.deploy(procedureId, silent.xml, actor, 'dry-run.bpmn');
    const instance = await this.deps.instances.start(procedureId, variables ?? {}, runner(actor));
    this.remember(instance.id, actor, silent.silenced);
    return this.state(instance.id, actor, version.warnings);
  }

  /** The throwaway instance now. */
  async get(instanceId: string, actor: Actor): Promise<DryRunState> {
    requireAnyRole(actor, ['analyst']);
    return this.state(instanceId, actor);
  }

  /** Completes one of its open tasks with `data`, whoever it is offered to. */
  async complete(instanceId: string, taskId: string, data: unknown, actor: Actor): Promise<DryRunState> {
    requireAnyRole(actor, ['analyst']);
    const view = await this.view(instanceId, actor);
    if (!view.tasks.some((task) => task.id === taskId)) {
      throw new AppError('TASK_NOT_FOUND', `task <${taskId}> is not a task of dry run <${instanceId}>`);
    }
    await this.deps.tasks.complete(taskId, data ?? {}, runner(actor));
    return this.state(instanceId, actor);
  }

  /** Ends the dry run: its instance is cancelled (tasks and timers closed). */
  async end(instanceId: string, actor: Actor): Promise<void> {
    requireAnyRole(actor, ['analyst']);
    const view = await this.view(instanceId, actor);
    this.started.delete(instanceId);
    if (view.instance.status === 'running' || view.instance.status === 'incident') {
      await this.deps.instances.cancel(instanceId, 'dry run ended', runner(actor));
    }
  }

  /** Cancels this process's dry runs older than {@link DRY_RUN_TTL_MS}. */
  async sweep(): Promise<number> {
    const now = this.deps.clock.now().getTime();
    let swept = 0;
    for (const [instanceId, run] of [...this.started]) {
      if (now - run.at < DRY_RUN_TTL_MS) continue;
      this.started.delete(instanceId);
      const system: Actor = { id: 'system:dry-run', roles: ['admin'], groups: [] };
      await this.deps.instances.cancel(instanceId, 'dry run expired', system).catch(() => undefined);
      swept++;
    }
    return swept;
  }

  private remember(instanceId: string, actor: Actor, silenced: string[]): void {
    if (this.started.size >= MAX_TRACKED) {
      const oldest = this.started.keys().next().value;
      if (oldest !== undefined) this.started.delete(oldest);
    }
    this.started.set(instanceId, { at: this.deps.clock.now().getTime(), actor: actor.id, silenced });
  }

  /** The instance view, refused unless it is a dry run (an analyst may not walk real tickets). */
  private async view(instanceId: string, actor: Actor) {
    const view = await this.deps.instances.get(instanceId, runner(actor));
    if (!isDryRun(view.instance.procedureId)) {
      throw new AppError('FORBIDDEN', `instance <${instanceId}> is not a dry run`);
    }
    return view;
  }

  private async state(
    instanceId: string,
    actor: Actor,
    warnings?: readonly FieldIssue[],
  ): Promise<DryRunState> {
    const { instance, tasks } = await this.view(instanceId, actor);
    const version = warnings ?? (await this.deps.definitions.byId(instance.definitionId)).warnings;
    return {
      procedureId: instance.procedureId,
      instanceId: instance.id,
      businessKey: instance.businessKey,
      status: instance.status,
      tasks: tasks
        .filter((task) => task.status === 'open')
        .map(({ id, activityId, name, formKey, candidateGroups, item }) => ({
          id,
          activityId,
          name,
          candidateGroups,
          ...(formKey ? { formKey } : {}),
          ...(item ? { item } : {}),
        })),
      awaiting: (instance.awaiting ?? []).map(({ kind, name, activityId }) => ({ kind, name, activityId })),
      timers: instance.timers
        .filter((timer) => !timer.executionId.startsWith('sla:'))
        .map(({ activityId, dueAt }) => ({ activityId, dueAt })),
      completedActivities: instance.completedActivities,
      variables: instance.variables,
      warnings: version,
      silenced: this.started.get(instance.id)?.silenced ?? [],
      ...(instance.error ? { error: instance.error } : {}),
    };
  }
}

/** Who acts in a dry run: the analyst, allowed to take every task of the throwaway instance. */
function runner(actor: Actor): Actor {
  return { id: actor.id, roles: ['admin'], groups: actor.groups };
}
