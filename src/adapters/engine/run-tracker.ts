import { EventEmitter } from 'node:events';
import type { ArmedTimer, FiredTimer, SentMessage, WaitingTask } from '../../app/procedure-engine.js';

interface ActivityApi {
  readonly id: string;
  readonly type: string;
  readonly name?: string;
  readonly executionId: string;
  readonly content: Record<string, unknown> & {
    parent?: { executionId?: string };
    attachedTo?: { id?: string };
  };
}

const WAITING_TYPES = new Set(['bpmn:UserTask', 'bpmn:ManualTask']);

/**
 * Listens to one engine run and keeps what the runner must persist: waiting user
 * tasks, armed timers (re-announced by the engine on every resume), fired timers
 * and the activities completed in this run.
 */
export class RunTracker {
  readonly listener = new EventEmitter();
  readonly sent: SentMessage[] = [];
  private readonly waiting = new Map<string, WaitingTask>();
  private readonly timers = new Map<string, ArmedTimer & { ownerExecutionId: string }>();
  private readonly fired: FiredTimer[] = [];
  private readonly completed: string[] = [];

  constructor() {
    this.listener.on('activity.wait', (api: ActivityApi) => this.onWait(api));
    this.listener.on('activity.timer', (api: ActivityApi) => this.onTimer(api));
    this.listener.on('activity.timeout', (api: ActivityApi) => this.onTimeout(api));
    this.listener.on('activity.end', (api: ActivityApi) => this.completed.push(api.id));
    this.listener.on('activity.leave', (api: ActivityApi) => this.onLeave(api));
  }

  get waitingTasks(): WaitingTask[] {
    return [...this.waiting.values()];
  }

  get armedTimers(): ArmedTimer[] {
    return [...this.timers.values()].map(({ ownerExecutionId: _owner, ...timer }) => timer);
  }

  get firedTimers(): FiredTimer[] {
    return [...this.fired];
  }

  get completedActivities(): string[] {
    return [...this.completed];
  }

  private onWait(api: ActivityApi): void {
    if (!WAITING_TYPES.has(api.type)) return;
    this.waiting.set(api.executionId, {
      activityId: api.id,
      executionId: api.executionId,
      name: api.name ?? api.id,
    });
  }

  private onTimer(api: ActivityApi): void {
    const content = api.content;
    const timerType = String(content.timerType ?? 'timeDuration');
    this.timers.set(api.executionId, {
      activityId: api.id,
      executionId: api.executionId,
      ownerExecutionId: content.parent?.executionId ?? api.executionId,
      timerType,
      value: String(content[timerType] ?? ''),
      timeoutMs: Number(content.timeout ?? 0),
      // bpmn-elements 17 gives the attached activity's id as a plain string.
      ...(typeof content.attachedTo === 'string' ? { attachedTo: content.attachedTo } : {}),
    });
  }

  private onTimeout(api: ActivityApi): void {
    if (this.timers.delete(api.executionId))
      this.fired.push({ activityId: api.id, executionId: api.executionId });
  }

  private onLeave(api: ActivityApi): void {
    this.waiting.delete(api.executionId);
    for (const [key, timer] of this.timers) {
      if (timer.ownerExecutionId === api.executionId) this.timers.delete(key);
    }
  }
}
