import { randomUUID } from 'node:crypto';
import { TOKENS, sleep, type AppSlot } from './cluster.js';

/** Client-side tallies: answers by status, and requests retried after a lost answer. */
export class LoadTally {
  readonly statuses = new Map<string, number>();
  retriedStarts = 0;
  retriedStartsSameTicket = 0;
  doubleCompletions = 0;
  /** Double completions whose two answers were not one 200 and one 409. */
  badRaces: string[] = [];
  count(kind: string, status: number | 'network'): void {
    const key = `${kind} ${status}`;
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
  }
}

type Answer = { status: number; body: any } | { status: 'network' };

/** One HTTP call with a timeout; a lost connection or timeout answers `network`. */
async function call(
  slot: AppSlot,
  token: string,
  method: string,
  url: string,
  body?: unknown,
  key?: string,
): Promise<Answer> {
  try {
    const response = await fetch(`${slot.url}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(key ? { 'idempotency-key': key } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  } catch {
    return { status: 'network' };
  }
}

/** Drives a steady desk: tickets opened at `perSecond`, tasks completed after 5–50 s, some twice at once. */
export class DeskLoad {
  private running = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly slots: readonly AppSlot[],
    private readonly perSecond: number,
    readonly tally = new LoadTally(),
  ) {}

  start(): void {
    this.running = true;
    void this.openLoop();
    void this.completeLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all([...this.inFlight]);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private alive(): AppSlot[] {
    const up = this.slots.filter((slot) => slot.alive);
    return up.length ? up : [...this.slots];
  }

  private pick(): AppSlot {
    const up = this.alive();
    return up[Math.floor(Math.random() * up.length)] as AppSlot;
  }

  private async openLoop(): Promise<void> {
    while (this.running) {
      this.track(this.open());
      await sleep(1000 / this.perSecond);
    }
  }

  /** Opens one ticket, retrying with the same Idempotency-Key after a lost answer. */
  private async open(): Promise<void> {
    const key = randomUUID();
    const token = TOKENS[0].token;
    for (let attempt = 0; attempt < 4; attempt++) {
      const answer = await call(this.pick(), token, 'POST', '/api/procedures/chaos-desk/instances', {}, key);
      this.tally.count('start', answer.status);
      if (answer.status === 'network' || answer.status >= 500) {
        if (attempt === 0) this.tally.retriedStarts++;
        await sleep(1000);
        continue;
      }
      if (attempt > 0 && answer.status === 201) this.tally.retriedStartsSameTicket++;
      return;
    }
  }

  private async completeLoop(): Promise<void> {
    const seen = new Map<string, number>();
    while (this.running) {
      const list = await call(this.pick(), TOKENS[2].token, 'GET', '/api/tasks?candidateGroup=l1&limit=200');
      if (list.status === 200 && Array.isArray(list.body)) {
        for (const task of list.body as { id: string }[]) {
          if (!seen.has(task.id)) seen.set(task.id, Date.now() + 5_000 + Math.random() * 45_000);
          if ((seen.get(task.id) ?? Infinity) <= Date.now()) {
            seen.set(task.id, Infinity);
            this.track(this.complete(task.id));
          }
        }
      }
      await sleep(1000);
    }
  }

  /** Completes a task; one in five is completed twice at once through both processes. */
  private async complete(taskId: string): Promise<void> {
    const url = `/api/tasks/${taskId}/complete`;
    if (Math.random() < 0.2 && this.slots.every((slot) => slot.alive)) {
      this.tally.doubleCompletions++;
      const answers = await Promise.all(
        this.slots.slice(0, 2).map((slot, i) => call(slot, TOKENS[i]!.token, 'POST', url, {}, randomUUID())),
      );
      answers.forEach((a) => this.tally.count('double-complete', a.status));
      const pair = answers
        .map((a) => a.status)
        .sort()
        .join(',');
      if (pair !== '200,409' && !pair.includes('network')) this.tally.badRaces.push(`${taskId}: ${pair}`);
      return;
    }
    const key = randomUUID();
    for (let attempt = 0; attempt < 4; attempt++) {
      const answer = await call(this.pick(), TOKENS[0].token, 'POST', url, {}, key);
      this.tally.count('complete', answer.status);
      if (answer.status !== 'network' && answer.status < 500) return;
      await sleep(1000);
    }
  }
}
