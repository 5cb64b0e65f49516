import { AppError } from '../domain/errors.js';
import type { InstanceRecord } from '../domain/instance.js';
import type { InstanceStore, Outbox, TaskRepository, TimerScheduler, Transition } from './ports.js';
import { KeyedMutex } from './keyed-mutex.js';

/** Collaborators of the instance log. */
export interface InstanceLogDeps {
  readonly store: InstanceStore;
  readonly tasks: TaskRepository;
  readonly outbox: Outbox;
  readonly scheduler: TimerScheduler;
  /** Completes a transition before it is committed (business-time timers, SLA clocks). */
  readonly annotate?: (transition: Transition) => Promise<Transition>;
}

/**
 * Loads instances (rolling forward transitions whose effects a crashed writer did
 * not finish applying), commits new transitions and applies their effects.
 */
export class InstanceLog {
  private readonly mutex = new KeyedMutex();

  constructor(private readonly deps: InstanceLogDeps) {}

  /** Runs `work` with exclusive access to the instance within this process. */
  exclusive<T>(instanceId: string, work: () => Promise<T>): Promise<T> {
    return this.mutex.run(instanceId, work);
  }

  /** The latest committed state of the instance, or INSTANCE_NOT_FOUND. */
  async load(instanceId: string): Promise<InstanceRecord> {
    let head = await this.deps.store.loadHead(instanceId);
    for (let seq = (head?.seq ?? 0) + 1; ; seq++) {
      const pending = await this.deps.store.findTransition(instanceId, seq);
      if (!pending) break;
      await this.applyEffects(pending);
      head = pending.head;
    }
    if (!head) throw new AppError('INSTANCE_NOT_FOUND', `instance <${instanceId}> not found`);
    return head;
  }

  /**
   * Completes the transition (see `annotate`), commits it (CONFLICT if another writer
   * took its seq), applies its effects and returns what was committed.
   */
  async commit(proposed: Transition): Promise<Transition> {
    const transition = this.deps.annotate ? await this.deps.annotate(proposed) : proposed;
    await this.deps.store.commit(transition);
    await this.applyEffects(transition);
    return transition;
  }

  private async applyEffects(transition: Transition): Promise<void> {
    const { effects, head } = transition;
    await this.deps.tasks.apply(effects, head.seq);
    await this.deps.outbox.add(effects.outbox);
    if (effects.cancelTimers.length) await this.deps.scheduler.cancel(head.id, effects.cancelTimers);
    if (effects.scheduleTimers.length) await this.deps.scheduler.schedule(head.id, effects.scheduleTimers);
    await this.deps.store.saveHead(head);
  }
}
