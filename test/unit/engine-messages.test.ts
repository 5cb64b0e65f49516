import { readFileSync } from 'node:fs';
import { BpmnEngineRunner } from '../../src/adapters/engine/bpmn-engine-runner.js';
import { parseDefinition } from '../../src/adapters/bpmn/index.js';
import type { EngineDefinition, RunOutcome } from '../../src/app/procedure-engine.js';

const runner = new BpmnEngineRunner();

function definition(name: string): EngineDefinition {
  return { id: `${name}@1`, xml: readFileSync(`test/fixtures/bpmn/messages/${name}.bpmn`, 'utf8') };
}

/** The engine state as the database gives it back: every step below starts from a recover. */
const saved = (outcome: RunOutcome): unknown => JSON.parse(JSON.stringify(outcome.engineState));

const awaited = (outcome: RunOutcome) =>
  (outcome.awaiting ?? []).map((a) => `${a.kind}:${a.name}@${a.activityId}`).sort();
const waiting = (outcome: RunOutcome) => outcome.waitingTasks.map((t) => t.activityId).sort();

function deliver(
  def: EngineDefinition,
  outcome: RunOutcome,
  event: 'message' | 'signal',
  name: string,
  variables: Record<string, unknown> = {},
): Promise<RunOutcome> {
  const targets = (outcome.awaiting ?? []).filter((a) => a.kind === event && a.name === name);
  const chosen = event === 'message' ? targets.slice(0, 1) : targets;
  return runner.resume(def, saved(outcome), { kind: 'deliver', event, name, targets: chosen, variables });
}

function complete(def: EngineDefinition, outcome: RunOutcome, activityId: string): Promise<RunOutcome> {
  const task = outcome.waitingTasks.find((t) => t.activityId === activityId);
  if (!task) throw new Error(`no task ${activityId}`);
  return runner.resume(def, saved(outcome), {
    kind: 'complete-task',
    executionId: task.executionId,
    data: {},
  });
}

/** A restart: the engine is recovered from the saved state and resumed with nothing to do. */
const restart = (def: EngineDefinition, outcome: RunOutcome) =>
  runner.resume(def, saved(outcome), { kind: 'resume' });

describe('messages and signals: receive task and intermediate catch events', () => {
  const def = definition('msg-receive');

  test('given a receive task, when its message arrives after a restart, then its variables are kept and the signal catch waits next', async () => {
    const started = await runner.start(def, {});
    expect(awaited(started)).toEqual(['message:requester-reply@wait-reply']);

    const restarted = await restart(def, started);
    expect(awaited(restarted)).toEqual(['message:requester-reply@wait-reply']);
    const replied = await deliver(def, restarted, 'message', 'requester-reply', { answer: 'printer fixed' });

    expect(replied.status).toBe('running');
    expect(replied.variables).toMatchObject({ answer: 'printer fixed' });
    expect(awaited(replied)).toEqual(['signal:systems-restored@wait-restored']);
    expect(replied.completedActivities).toContain('wait-reply');

    const restored = await deliver(def, await restart(def, replied), 'signal', 'systems-restored');
    expect(waiting(restored)).toEqual(['review']);
    expect(restored.awaiting ?? []).toEqual([]);
  });

  test('given a message already caught, when it is delivered again to the same catch, then MESSAGE_NOT_AWAITED names it', async () => {
    const started = await runner.start(def, {});
    const replied = await deliver(def, started, 'message', 'requester-reply');
    const stale = (started.awaiting ?? []).slice(0, 1);

    const again = runner.resume(def, saved(replied), {
      kind: 'deliver',
      event: 'message',
      name: 'requester-reply',
      targets: stale,
      variables: {},
    });

    await expect(again).rejects.toMatchObject({ code: 'MESSAGE_NOT_AWAITED' });
    await expect(again).rejects.toThrow(/requester-reply/);
  });
});

describe('messages: boundary events and the event-based gateway', () => {
  const def = definition('msg-vendor');

  test('given a non-interrupting boundary message, when it arrives, then the task stays open and a second task opens', async () => {
    const started = await runner.start(def, {});
    expect(awaited(started)).toEqual(['message:requester-update@on-update', 'message:withdrawn@on-withdraw']);

    const updated = await deliver(def, await restart(def, started), 'message', 'requester-update', {
      note: 'new phone',
    });

    expect(waiting(updated)).toEqual(['read-update', 'work']);
    expect(updated.variables).toMatchObject({ note: 'new phone' });
  });

  test('given an interrupting boundary message, when it arrives, then the task is cancelled and the instance ends', async () => {
    const started = await runner.start(def, {});

    const withdrawn = await deliver(def, await restart(def, started), 'message', 'withdrawn');

    expect(withdrawn.status).toBe('completed');
    expect(withdrawn.completedActivities).toContain('withdrawn');
    expect(withdrawn.completedActivities).not.toContain('work');
  });

  test('given an event-based gateway, when the message comes first, then its branch runs and the timer is dropped', async () => {
    const worked = await complete(def, await runner.start(def, {}), 'work');
    expect(awaited(worked)).toEqual(['message:vendor-reply@vendor-replied']);
    expect(worked.armedTimers.map((t) => t.activityId)).toEqual(['vendor-late']);

    const replied = await deliver(def, await restart(def, worked), 'message', 'vendor-reply', {
      fix: 'patch 3.2',
    });

    expect(waiting(replied)).toEqual(['handle-reply']);
    expect(replied.armedTimers).toEqual([]);
    expect(replied.awaiting ?? []).toEqual([]);
  });

  test('given an event-based gateway, when the timer fires first, then its branch runs and the message is no longer awaited', async () => {
    const worked = await complete(def, await runner.start(def, {}), 'work');
    const [timer] = worked.armedTimers;

    const late = await runner.resume(def, saved(worked), {
      kind: 'fire-timer',
      activityId: timer!.activityId,
      executionId: timer!.executionId,
    });

    expect(waiting(late)).toEqual(['chase']);
    expect(late.awaiting ?? []).toEqual([]);
  });
});

describe('event sub-processes with message, signal and timer starts', () => {
  const def = definition('msg-event-sub');

  test('given a running instance, then it awaits the message and signal starts and arms the timer start', async () => {
    const started = await restart(def, await runner.start(def, {}));

    expect(awaited(started)).toEqual([
      'message:requester-note@note-received',
      'signal:outage-closed@outage-closed',
    ]);
    expect(started.awaiting?.find((a) => a.kind === 'message')?.eventSubProcess).toBe('on-note');
    expect(started.armedTimers.map((t) => `${t.activityId}:${t.value}`)).toEqual(['late:PT4H']);
  });

  test('given a non-interrupting message start, when the message arrives, then the sub-process runs beside the main task and can run again later', async () => {
    const started = await runner.start(def, {});

    const noted = await deliver(def, started, 'message', 'requester-note', { note: 'urgent' });
    expect(waiting(noted)).toEqual(['note', 'work']);
    expect(awaited(noted)).toEqual(['signal:outage-closed@outage-closed']);
    expect(noted.variables).toMatchObject({ note: 'urgent' });

    const read = await complete(def, await restart(def, noted), 'note');
    expect(waiting(read)).toEqual(['work']);
    expect(awaited(read)).toContain('message:requester-note@note-received');
  });

  test('given an interrupting signal start, when the signal arrives, then the main task is cancelled and the instance ends', async () => {
    const started = await runner.start(def, {});

    const closed = await deliver(def, await restart(def, started), 'signal', 'outage-closed');

    expect(closed.status).toBe('completed');
    expect(closed.completedActivities).toContain('outage-end');
  });

  test('given a non-interrupting timer start, when it fires, then the sub-process runs once and the timer is not armed again', async () => {
    const started = await runner.start(def, {});
    const [timer] = started.armedTimers;

    const fired = await runner.resume(def, saved(started), {
      kind: 'fire-timer',
      activityId: timer!.activityId,
      executionId: timer!.executionId,
    });
    expect(waiting(fired)).toEqual(['remind', 'work']);
    expect(fired.armedTimers).toEqual([]);

    const reminded = await complete(def, await restart(def, fired), 'remind');
    expect(waiting(reminded)).toEqual(['work']);
    expect(reminded.armedTimers).toEqual([]);
    expect((await complete(def, reminded, 'work')).status).toBe('completed');
  });
});

describe('message start events', () => {
  test('given a process started only by a message, when it starts, then its start event awaits the message and takes it', async () => {
    const def = definition('msg-start');
    const started = await runner.start(def, { requestId: 'R-1' });
    expect(awaited(started)).toEqual(['message:portal-request@portal']);

    const triggered = await deliver(def, started, 'message', 'portal-request');

    expect(waiting(triggered)).toEqual(['triage']);
    expect(triggered.variables).toMatchObject({ requestId: 'R-1' });
  });

  test('given a process with a plain and a message start, when it starts plainly, then the message start stops waiting and the process can complete', async () => {
    const xml = readFileSync('test/fixtures/bpmn/messages/msg-start.bpmn', 'utf8').replace(
      '<bpmn:sequenceFlow id="f1"',
      '<bpmn:startEvent id="plain" /><bpmn:sequenceFlow id="f0" sourceRef="plain" targetRef="intake" />' +
        '<bpmn:userTask id="intake" /><bpmn:sequenceFlow id="f9" sourceRef="intake" targetRef="end2" />' +
        '<bpmn:endEvent id="end2" /><bpmn:sequenceFlow id="f1"',
    );
    const def = { id: 'msg-start-plain@1', xml };

    const started = await runner.start(def, {});
    expect(started.awaiting ?? []).toEqual([]);
    expect(waiting(started)).toEqual(['intake']);

    expect((await complete(def, started, 'intake')).status).toBe('completed');
  });
});

describe('catalog of message start events', () => {
  test('given a process started by a message, when deployed, then its catalog names the message and its start event', async () => {
    const xml = readFileSync('test/fixtures/bpmn/messages/msg-start.bpmn', 'utf8');

    const parsed = await parseDefinition(xml, 'msg-start', 'msg-start.bpmn');

    expect(parsed.catalog.messageStarts).toEqual([{ name: 'portal-request', startEventId: 'portal' }]);
    expect(parsed.catalog.plainStart).toBe(false);
  });

  test('given a process without message starts, then its catalog has no message entries', async () => {
    const xml = readFileSync('test/fixtures/bpmn/messages/msg-receive.bpmn', 'utf8');

    const parsed = await parseDefinition(xml, 'msg-receive', 'msg-receive.bpmn');

    expect(parsed.catalog.messageStarts).toBeUndefined();
  });
});
