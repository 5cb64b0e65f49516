import { randomBytes } from 'node:crypto';
import type { Actor } from '../domain/actor.js';
import type { Clock } from '../domain/clock.js';
import { AppError, isAppError } from '../domain/errors.js';
import type { FieldIssue } from '../domain/errors.js';
import { requireAnyRole } from './authorization.js';
import type { DefinitionsService } from './definitions-service.js';
import type { InstanceService } from './instance-service.js';
import type { TaskService } from './task-service.js';

import { DRY_RUN_PREFIX, isDryRun } from './dry-run-id.js';
import { instanceIdForKey } from './idempotency.js';
import { MAX_LIVE_DRY_RUNS, type DryRunRecord, type DryRunRegistry } from './dry-run-registry.js';

export { DRY_RUN_PREFIX, isDryRun } from './dry-run-id.js';
/** A throwaway instance older than this is cancelled by the next sweep of any process. */
export const DRY_RUN_TTL_MS = 60 * 60_000;
/** How often every app process sweeps expired dry runs. */
export const DRY_RUN_SWEEP_EVERY_MS = 5 * 60_000;
/** Expired runs cleaned up per sweep at most (the next sweep takes the rest). */
const SWEEP_BATCH = 100;
/** Cancel refusals meaning the run's instance is already over. */
const GONE = new Set(['INSTANCE_NOT_RUNNING', 'INSTANCE_NOT_FOUND']);
const SYSTEM: Actor = { id: 'system:dry-run', roles: ['admin'], groups: [] };
const BYTES = 512 * 1024;

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
  readonly withoutEmails: (
    xml: string,
  ) => Promise<{ xml: string; silenced: string[]; warnings?: readonly FieldIssue[] }>;
  /** Live dry runs, shared by every process (ADR 0035). */
  readonly registry: DryRunRegistry;
  readonly logger?: { warn(details: object, message: string): void };
}

/**
 * "Try before deploying" (issue 13, ADR 0031): an analyst's unsaved diagram is deployed under a
 * scratch procedure id and started as a throwaway instance the analyst walks task by task. No
 * email leaves a dry run (send task templates are dropped), dry-run procedures are not listed,
 * and instances are cancelled when the analyst ends the run or an hour later: each run is
 * registered (`dry_runs`, ADR 0035) so the sweep of any process ends it and deletes the forms
 * generated for it. Dry-run tickets never appear in lists, the inbox, reports or search.
 */
export class DryRunService {
  constructor(private readonly deps: DryRunDeps) {}

  /** Deploys `xml` as `dryrun-<random>` and starts it with `variables` (the start form's data). */
  async start(xml: unknown, variables: unknown, actor: Actor): Promise<DryRunState> {
    requireAnyRole(actor, ['analyst']);
    if (typeof xml !== 'string' || !xml.trim())
      throw new AppError('BAD_REQUEST', 'xml: send the BPMN XML as text');
    if (Buffer.byteLength(xml) > BYTES) throw new AppError('BAD_REQUEST', `xml: over ${BYTES} bytes`);
    await this.sweep();
    if ((await this.deps.registry.live(MAX_LIVE_DRY_RUNS)) >= MAX_LIVE_DRY_RUNS)
      throw new AppError('CONFLICT', `xml: ${MAX_LIVE_DRY_RUNS} dry runs are live; end some or wait an hour`);
    const procedureId = `${DRY_RUN_PREFIX}${randomBytes(6).toString('hex')}`;
    // The run is registered before anything exists (its instance id follows from an idempotency
    // key), so a process that dies half-way leaves a row the sweep ends, never an unswept ticket.
    const now = this.deps.clock.now();
    let run: DryRunRecord = {
      instanceId: instanceIdForKey(actor.id, procedureId),
      procedureId,
      definitionId: '',
      actor: actor.id,
      startedAt: now,
      expiresAt: new Date(now.getTime() + DRY_RUN_TTL_MS),
      silenced: [],
      formKeys: [],
    };
    await this.deps.registry.put(run);
    try {
      const silent = await this.deps.withoutEmails(xml);
      const { version } = await this.deps.definitions.deploy(procedureId, silent.xml, actor, 'dry-run.bpmn');
      const formKeys = Object.keys(version.catalog.generatedForms ?? {});
      run = { ...run, definitionId: version.id, silenced: silent.silenced, formKeys };
      await this.deps.registry.put(run);
      await this.deps.instances.start(procedureId, variables ?? {}, runner(actor), {
        idempotencyKey: procedureId,
      });
      // The file as drawn may have findings the silenced copy no longer shows (dry-run-xml.ts).
      const shown = new Set(version.warnings.map((w) => w.message));
      const extra = (silent.warnings ?? []).filter((w) => !shown.has(w.message));
      return await this.state(run.instanceId, actor, [...extra, ...version.warnings]);
    } catch (error) {
      // Whatever exists of the run goes now; what cannot is left to the sweep (the row stays).
      await this.dispose(run, 'dry run failed to start').catch(() => undefined);
      throw error;
    }
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
    const run = await this.deps.registry.get(instanceId);
    if (view.instance.status === 'running' || view.instance.status === 'incident') {
      await this.deps.instances.cancel(instanceId, 'dry run ended', runner(actor));
    }
    if (run) await this.cleanUp(run);
  }

  /**
   * Ends every registered dry run past its expiry, whichever process started it: cancels its
   * instance (if still open), deletes its generated forms and its registry row. At most
   * {@link SWEEP_BATCH} per call; two processes sweeping at once only repeat idempotent steps.
   */
  async sweep(): Promise<number> {
    const expired = await this.deps.registry.expired(this.deps.clock.now(), SWEEP_BATCH);
    for (const run of expired) {
      try {
        await this.dispose(run, 'dry run expired');
      } catch (error) {
        this.deps.logger?.warn({ err: error, instanceId: run.instanceId }, 'dry run not swept');
      }
    }
    return expired.length;
  }

  /** Cancels the run's instance if it is still open, then cleans up (every step idempotent). */
  private async dispose(run: DryRunRecord, reason: string): Promise<void> {
    await this.deps.instances.cancel(run.instanceId, reason, SYSTEM).catch((error: unknown) => {
      if (!isAppError(error) || !GONE.has(error.code)) throw error;
    });
    await this.cleanUp(run);
  }

  private async cleanUp(run: DryRunRecord): Promise<void> {
    await this.deps.registry.dropForms(run.formKeys);
    await this.deps.registry.remove(run.instanceId);
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
      silenced: (await this.deps.registry.get(instance.id))?.silenced ?? [],
      ...(instance.error ? { error: instance.error } : {}),
    };
  }
}

/** Who acts in a dry run: the analyst, allowed to take every task of the throwaway instance. */
function runner(actor: Actor): Actor {
  return { id: actor.id, roles: ['admin'], groups: actor.groups };
}
