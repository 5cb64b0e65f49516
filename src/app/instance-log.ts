import { randomUUID } from 'node:crypto';
import { AppError, isAppError } from '../domain/errors.js';
import type { InstanceEvent, InstanceRecord } from '../domain/instance.js';
import type {
  InstanceStore,
  Outbox,
  PendingSteps,
  TaskRepository,
  TimerScheduler,
  Transition,
} from './ports.js';
import type { FaultInjector } from './fault-points.js';
import { KeyedMutex } from './keyed-mutex.js';
import { settleAll } from './settle-all.js';
import { DEFAULT_RETRY, pause, withRetry, type RetryPolicy } from './retry.js';

/** Where the log reports failures it recovers from (pino's Logger fits). */
export interface InstanceLogLogger {
  warn(details: object, message: string): void;
}

/** Collaborators of the instance log. */
export interface InstanceLogDeps {
  readonly store: InstanceStore;
  readonly tasks: TaskRepository;
  readonly outbox: Outbox;
  readonly scheduler: TimerScheduler;
  /** Completes a transition before it is committed (business-time timers, SLA clocks). */
  readonly annotate?: (transition: Transition) => Promise<Transition>;
  /** Markers of in-flight steps for the reconciler; without them only a later load rolls forward. */
  readonly pending?: PendingSteps;
  readonly logger?: InstanceLogLogger;
  /** Chaos runs only: told when a step is committed and its effects not yet applied. */
  readonly faults?: FaultInjector;
  /** Retries of transient database failures (default: DEFAULT_RETRY). */
  readonly retry?: RetryPolicy;
  /** The reporting read model, written with each step's effects (docs/adr/0027). */
  readonly reports?: import('./reports-ports.js').ReportFactsWriter;
}

/**
 * Applies the call-activity effects of a committed step (docs/adr/0019): opening called tickets,
 * cancelling them, resuming a caller. Idempotent; it commits steps of *other* instances.
 */
export interface CallEffectHandler {
  apply(transition: Transition): Promise<void>;
}

/** How far back `findEvent` looks at most. */
const MAX_LOOKBACK = 50;

/**
 * Loads instances (rolling forward transitions whose effects a crashed writer did
 * not finish applying), commits new transitions and applies their effects.
 */
export class InstanceLog {
  private readonly mutex = new KeyedMutex();
  private readonly retry: RetryPolicy;
  private calls?: CallEffectHandler;

  constructor(private readonly deps: InstanceLogDeps) {
    this.retry = deps.retry ?? DEFAULT_RETRY;
  }

  /** Wires the handler of call-activity effects (it needs this log, hence not a constructor dep). */
  useCalls(handler: CallEffectHandler): void {
    this.calls = handler;
  }

  /**
   * Applies the call-activity effects of committed step `seq` (again): the reconciler's work for a
   * marker whose step's own effects are in place but whose writer stopped before these.
   */
  async settleCalls(instanceId: string, seq: number): Promise<void> {
    const transition = await this.step(instanceId, seq);
    if (transition) await this.applyCalls(transition);
  }

  /** Runs `work` with exclusive access to the instance within this process. */
  exclusive<T>(instanceId: string, work: () => Promise<T>): Promise<T> {
    return this.mutex.run(instanceId, work);
  }

  /** The latest committed state of the instance, or INSTANCE_NOT_FOUND. */
  async load(instanceId: string): Promise<InstanceRecord> {
    const head = await this.rollForward(instanceId);
    if (!head) throw new AppError('INSTANCE_NOT_FOUND', `instance <${instanceId}> not found`);
    return head;
  }

  /**
   * Applies the effects of every committed step past the stored head and returns the latest
   * committed state (null: nothing committed). Throws when effects still fail after the retries,
   * so no new step is ever committed on top of a step whose effects are missing.
   */
  async rollForward(instanceId: string): Promise<InstanceRecord | null> {
    let head = await this.retrying(() => this.deps.store.loadHead(instanceId));
    for (let seq = (head?.seq ?? 0) + 1; ; seq++) {
      const pending = await this.retrying(() => this.deps.store.findTransition(instanceId, seq));
      if (!pending) break;
      await this.retrying(() => this.applyEffects(pending));
      head = pending.head;
      // Other tickets' steps (called tickets, a caller): never a reason to fail this load.
      await this.applyCalls(pending).catch((error: unknown) =>
        this.deps.logger?.warn({ err: error, instanceId, seq }, 'call effects left to the reconciler'),
      );
    }
    return head;
  }

  /** The committed step `seq` of the instance, if any (no roll-forward). */
  step(instanceId: string, seq: number): Promise<Transition | null> {
    return this.retrying(() => this.deps.store.findTransition(instanceId, seq));
  }

  /** The latest event up to `head.seq` that `matches`, looking back at most 50 steps. */
  async findEvent(
    head: InstanceRecord,
    matches: (event: InstanceEvent) => boolean,
  ): Promise<InstanceEvent | undefined> {
    for (let seq = head.seq; seq >= 1 && seq > head.seq - MAX_LOOKBACK; seq--) {
      const transition = await this.step(head.id, seq);
      if (transition && matches(transition.event)) return transition.event;
    }
    return undefined;
  }

  /**
   * Completes the transition (see `annotate`), commits it (CONFLICT if another writer
   * took its seq), applies its effects and returns what was committed. Once the commit
   * stands the step succeeds: effects that keep failing are left to the reconciler.
   */
  async commit(proposed: Transition): Promise<Transition> {
    const annotated = this.deps.annotate ? await this.deps.annotate(proposed) : proposed;
    const transition = { ...annotated, effects: { ...annotated.effects, commitNonce: randomUUID() } };
    const { instanceId, seq } = transition.event;
    const pending = this.deps.pending;
    if (pending) await this.retrying(() => pending.mark(instanceId, seq));
    await this.insert(transition);
    this.deps.faults?.reached('after-commit');
    await this.settle(transition);
    return transition;
  }

  /**
   * Inserts the step. A failure other than a duplicate key (timeout, SQLITE_BUSY) is ambiguous:
   * the step stored at that seq, if any, tells whether the insert took effect (our nonce) or another
   * writer won (CONFLICT); with none stored, the insert is tried again.
   */
  private async insert(transition: Transition): Promise<void> {
    const { instanceId, seq } = transition.event;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.store.commit(transition);
      } catch (error) {
        if (isAppError(error)) throw error;
        const stored = await this.step(instanceId, seq).catch(() => undefined);
        if (stored === undefined) throw error; // cannot tell: the read back failed too
        if (stored) {
          if (stored.effects.commitNonce === transition.effects.commitNonce) return;
          throw new AppError('CONFLICT', `instance <${instanceId}> was changed concurrently (step ${seq})`);
        }
        if (attempt >= this.retry.attempts) throw error;
        this.deps.logger?.warn({ err: error, instanceId, seq, attempt }, 'step commit failed; retrying');
        await pause(this.retry, attempt);
      }
    }
  }

  /** Applies a committed step's effects (retried) and removes its marker; failures are left to the reconciler. */
  private async settle(transition: Transition): Promise<void> {
    const { instanceId, seq } = transition.event;
    try {
      await this.retrying(() => this.applyEffects(transition));
      // After the head: a called ticket that ends at once resumes this instance from its saved head.
      await this.applyCalls(transition);
      this.deps.pending?.settled(instanceId, seq);
    } catch (error) {
      this.deps.logger?.warn(
        { err: error, instanceId, seq },
        'a committed step is not settled (effects or marker); the reconciler will roll it forward',
      );
    }
  }

  /**
   * The effects are independent idempotent writes to different collections, so they are sent
   * together (a step waits for the slowest, not for the sum); the head goes last, because a stored
   * head at this seq says that every effect is in place.
   */
  private async applyEffects(transition: Transition): Promise<void> {
    const { effects, head } = transition;
    await settleAll([
      this.deps.tasks.apply(effects, head.seq),
      this.deps.outbox.add(effects.outbox),
      this.applyTimers(transition),
      this.deps.reports?.apply(transition),
    ]);
    await this.deps.store.saveHead(head);
  }

  private async applyTimers({ effects, head }: Transition): Promise<void> {
    if (effects.cancelTimers.length) await this.deps.scheduler.cancel(head.id, effects.cancelTimers);
    if (effects.scheduleTimers.length) await this.deps.scheduler.schedule(head.id, effects.scheduleTimers);
  }

  private async applyCalls(transition: Transition): Promise<void> {
    const handler = this.calls;
    if (handler && transition.effects.calls) await this.retrying(() => handler.apply(transition));
  }

  private retrying<T>(work: () => Promise<T>): Promise<T> {
    return withRetry(this.retry, work);
  }
}
