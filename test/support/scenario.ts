import type { BusinessCalendar } from '../../src/domain/calendar/business-calendar.js';
import type { TestApp, UserName } from './harness.js';

/** An open or finished task as the API returns it. */
export interface TaskView {
  readonly id: string;
  readonly instanceId: string;
  readonly activityId: string;
  readonly name: string;
  readonly candidateGroups: readonly string[];
  readonly status: 'open' | 'completed' | 'cancelled';
  readonly createdAt: string;
  readonly [other: string]: unknown;
}

/** A timer the instance waits on, as `GET /api/instances/:id` returns it. */
export interface TimerView {
  readonly activityId: string;
  readonly executionId: string;
  readonly dueAt: string;
  readonly attachedTo?: string;
}

/** Expected open tasks: activity ids (order-free, repeats allowed) or activity id -> candidate groups. */
export type ExpectedTasks = readonly string[] | Readonly<Record<string, readonly string[]>>;

/**
 * Drives one procedure instance through the real HTTP API, step by step:
 * `start` -> `expectTasks` -> `complete` ... -> `fireTimer` ... -> `expectEnded`.
 * Reads go through the supervisor; a task is completed by a lane user who must find it
 * in their own queue. Timers are fired on demand through the app's TimerService.
 */
export class Scenario {
  private constructor(
    readonly app: TestApp,
    readonly procedureId: string,
    readonly instanceId: string,
    readonly businessKey: string,
  ) {}

  /** Starts the procedure with the start-form `data` as `user`; fails unless 201. */
  static async start(app: TestApp, procedureId: string, user: UserName, data: unknown): Promise<Scenario> {
    const started = await app.call(user, 'POST', `/api/procedures/${procedureId}/instances`, data);
    if (started.status !== 201) {
      throw new Error(
        `start ${procedureId}: expected 201, got ${started.status} ${JSON.stringify(started.body)}`,
      );
    }
    return new Scenario(app, procedureId, started.body.id, started.body.businessKey);
  }

  /** The supervisor view: `{ instance, events, tasks, messages }`. */
  async view(): Promise<any> {
    const view = await this.app.call('supervisor', 'GET', `/api/instances/${this.instanceId}`);
    expect(view.status).toBe(200);
    return view.body;
  }

  /** Open tasks of this instance (the supervisor's task list: cheaper than the full view). */
  openTasks(): Promise<TaskView[]> {
    return this.queue('supervisor');
  }

  /** Asserts exactly these tasks are open (and, with a record, offered to exactly these groups). */
  async expectTasks(expected: ExpectedTasks): Promise<TaskView[]> {
    const open = await this.openTasks();
    if (isIdList(expected)) {
      expect(open.map((task) => task.activityId).sort()).toEqual([...expected].sort());
    } else {
      const actual = Object.fromEntries(
        open.map((task) => [task.activityId, [...task.candidateGroups].sort()]),
      );
      const wanted = Object.fromEntries(
        Object.entries(expected).map(([id, groups]) => [id, [...groups].sort()]),
      );
      expect(open).toHaveLength(Object.keys(expected).length);
      expect(actual).toEqual(wanted);
    }
    return open;
  }

  /** The single open task of `activityId`. */
  async task(activityId: string): Promise<TaskView> {
    const matching = (await this.openTasks()).filter((task) => task.activityId === activityId);
    if (matching.length !== 1) {
      throw new Error(`expected one open <${activityId}> task, found ${matching.length}`);
    }
    return matching[0]!;
  }

  /** POSTs the completion as `user` and returns the raw response (no assertion). */
  async attempt(activityId: string, user: UserName, data: unknown = {}) {
    const task = await this.task(activityId);
    return this.app.call(user, 'POST', `/api/tasks/${encodeURIComponent(task.id)}/complete`, data);
  }

  /** Takes the task from `user`'s own queue (so it must be offered to them), completes it with `data`. */
  async complete(activityId: string, user: UserName, data: unknown = {}): Promise<any> {
    const mine = (await this.queue(user)).filter((task) => task.activityId === activityId);
    if (mine.length !== 1)
      throw new Error(`expected one <${activityId}> in ${user}'s queue, found ${mine.length}`);
    const done = await this.app.call(
      user,
      'POST',
      `/api/tasks/${encodeURIComponent(mine[0]!.id)}/complete`,
      data,
    );
    if (done.status !== 200) {
      throw new Error(`complete ${activityId} as ${user}: got ${done.status} ${JSON.stringify(done.body)}`);
    }
    return done.body;
  }

  /** Pending BPMN timer events of the instance (the SLA clocks' own timers are left out). */
  async timers(): Promise<TimerView[]> {
    const { timers } = (await this.view()).instance;
    return timers.filter((timer: TimerView) => !timer.activityId.startsWith('sla:'));
  }

  /**
   * Asserts a timer of `activityId` is armed, due `delayMs` after the open task `taskId` was
   * created (±5 s); with a business calendar, `delayMs` of its opening hours.
   */
  async expectTimer(
    activityId: string,
    taskId: string,
    delayMs: number,
    calendar?: BusinessCalendar,
  ): Promise<TimerView> {
    const timer = await this.pendingTimer(activityId);
    const created = new Date((await this.task(taskId)).createdAt);
    const expected = calendar
      ? calendar.addBusinessTime(created, delayMs)
      : new Date(created.getTime() + delayMs);
    expect(Math.abs(Date.parse(timer.dueAt) - expected.getTime())).toBeLessThan(5_000);
    return timer;
  }

  /** Fires the pending timer of `activityId` now (time skip), as the scheduler would when it is due. */
  async fireTimer(activityId: string): Promise<TimerView> {
    const timer = await this.pendingTimer(activityId);
    const job = { instanceId: this.instanceId, activityId, executionId: timer.executionId };
    expect(await this.app.app.services.timers.fire(job)).toBe('fired');
    return timer;
  }

  /** Asserts the instance completed, through `endEvents` (if given), with no open task or timer. */
  async expectEnded(endEvents: readonly string[] = []): Promise<void> {
    const view = await this.view();
    expect(view.instance.status).toBe('completed');
    expect(view.instance.completedActivities).toEqual(expect.arrayContaining([...endEvents]));
    expect(view.tasks.filter((task: TaskView) => task.status === 'open')).toEqual([]);
    expect(view.instance.timers).toEqual([]);
  }

  async variables(): Promise<Record<string, unknown>> {
    return (await this.view()).instance.variables;
  }

  /** Templates of the messages sent so far, oldest first. */
  async messages(): Promise<string[]> {
    return (await this.view()).messages.map((message: { template: string }) => message.template);
  }

  /** Open tasks of this instance in `user`'s task list. */
  private async queue(user: UserName): Promise<TaskView[]> {
    const list = await this.app.call(user, 'GET', `/api/tasks?procedureId=${this.procedureId}&limit=500`);
    expect(list.status).toBe(200);
    return list.body.filter((task: TaskView) => task.instanceId === this.instanceId);
  }

  private async pendingTimer(activityId: string): Promise<TimerView> {
    const timers = (await this.timers()).filter((timer) => timer.activityId === activityId);
    const [timer] = timers.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
    if (!timer) throw new Error(`no pending timer <${activityId}> on ${this.businessKey}`);
    return timer;
  }
}

function isIdList(expected: ExpectedTasks): expected is readonly string[] {
  return Array.isArray(expected);
}
