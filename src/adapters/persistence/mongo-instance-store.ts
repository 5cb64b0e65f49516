import { AppError } from '../../domain/errors.js';
import { isDryRun, listedInWork } from '../../app/dry-run-id.js';
import { RecentById } from '../../app/recent-by-id.js';
import {
  isOpenStatus,
  type InstanceEvent,
  type InstanceRecord,
  type InstanceStatus,
} from '../../domain/instance.js';
import type { ClosedInstance, InstanceListFilter, InstanceStore, Transition } from '../../app/ports.js';
import { ignoreDuplicate, isDuplicateKey, type Models } from './models.js';
import { closedSummary, OpenWork } from './open-work.js';
import { StepHistory } from './step-history.js';

const eventId = (instanceId: string, seq: number) => `${instanceId}:${seq}`;
/** Heads remembered per process for the guard of `saveHead` (a forgotten one is read again). */
const REMEMBERED_HEADS = 10_000;

/**
 * Instance log on MongoDB/FerretDB: heads in `instances`, transitions in `instance_events`, and
 * the open work (`open_instances`, `recent_closed`) that the lists, sweeps and dashboard read
 * instead of the history (docs/adr/0017). Every read and write of one instance is by `_id`.
 */
export class MongoInstanceStore implements InstanceStore {
  /** The seq of each head this process last loaded or stored. */
  private readonly seen = new RecentById<number>(REMEMBERED_HEADS);
  /** The seq of each step this process committed and has not yet saved as the head. */
  private readonly committed = new RecentById<number>(REMEMBERED_HEADS);

  constructor(private readonly models: Models) {}

  private get work(): OpenWork {
    return OpenWork.of(this.models);
  }

  async loadHead(instanceId: string): Promise<InstanceRecord | null> {
    const doc = await this.models.instances.findById(instanceId).lean();
    if (!doc) return null;
    const head = fromDoc<InstanceRecord>(doc);
    this.seen.set(instanceId, Number(head.seq));
    return { ...head, engineState: parseJson(doc.engineState) };
  }

  async loadSummary(instanceId: string): Promise<InstanceRecord | null> {
    const open = (await this.work.ready()).openInstance(instanceId);
    if (open) return open;
    const doc = await this.models.instances.findById(instanceId, HEAD_ONLY).lean();
    return doc ? { ...fromDoc<InstanceRecord>(doc), engineState: null } : null;
  }

  async commit(transition: Transition): Promise<void> {
    const { event } = transition;
    try {
      await this.models.events.create({
        _id: eventId(event.instanceId, event.seq),
        ...event,
        head: JSON.stringify(transition.head),
        effects: JSON.stringify(transition.effects),
      });
      StepHistory.of(this.models).remember(event.instanceId, event.seq, {
        event: { ...event },
        effects: JSON.parse(JSON.stringify(transition.effects)) as Transition['effects'],
      });
      this.committed.set(event.instanceId, event.seq);
    } catch (error) {
      if (isDuplicateKey(error)) {
        throw new AppError(
          'CONFLICT',
          `instance <${event.instanceId}> was changed concurrently (step ${event.seq})`,
        );
      }
      throw error;
    }
  }

  async findTransition(instanceId: string, seq: number): Promise<Transition | null> {
    const doc = await this.models.events.findById(eventId(instanceId, seq)).lean();
    if (!doc) return null;
    const { head, effects, _id, ...event } = doc as Record<string, unknown>;
    return {
      event: event as unknown as InstanceEvent,
      head: reviveHead(JSON.parse(String(head)) as InstanceRecord),
      effects: JSON.parse(String(effects)) as Transition['effects'],
    };
  }

  async saveHead(head: InstanceRecord): Promise<void> {
    const { id, ...rest } = head;
    // Never move a head backwards: a writer delayed after its commit may arrive after another
    // process rolled its step forward and committed the next one. One `_id` read; the write
    // below is not conditional (FerretDB scans for any filter but `_id`), so a narrow race
    // remains, healed by the next load's roll-forward. The read is skipped for a step this process
    // just committed on top of the head it loaded or stored (ADR 0017, round-trip diet): a newer
    // head then needs another process to roll this step forward and commit the next one meanwhile.
    if (!this.justCommittedOnTop(head)) {
      const current = await this.models.instances.findById(id, { seq: 1 }).lean();
      if (current && Number(current.seq) >= head.seq) return;
    }
    const { engineState, ...summary } = rest;
    // Open work first, the head last: a crash in between leaves the head behind, so the next
    // load rolls this step forward again and rewrites both (every write here is idempotent).
    if (isOpenStatus(head.status)) {
      await ignoreDuplicate(
        this.models.openInstances.replaceOne({ _id: id }, summary, { upsert: true }).exec(),
      );
    } else {
      await this.models.openInstances.deleteOne({ _id: id }).exec();
      const { id: _id, ...closed } = closedSummary(head);
      await ignoreDuplicate(
        this.models.recentClosed.replaceOne({ _id: id }, closed, { upsert: true }).exec(),
      );
    }
    const stored = { ...summary, engineState: JSON.stringify(engineState) };
    // Two writers upserting one head at once: one wins, and any head it leaves behind is
    // rolled forward from the log on the next load.
    await ignoreDuplicate(this.models.instances.replaceOne({ _id: id }, stored, { upsert: true }).exec());
    this.seen.set(id, head.seq);
    this.work.putHead(head);
    this.work.touch();
  }

  /** This process committed `head`'s step, on top of the head it loaded or stored last (or a first step). */
  private justCommittedOnTop(head: InstanceRecord): boolean {
    const ours = this.committed.get(head.id) === head.seq;
    this.committed.delete(head.id);
    return ours && (head.seq === 1 || this.seen.get(head.id) === head.seq - 1);
  }

  async listEvents(instanceId: string): Promise<InstanceEvent[]> {
    const steps = await StepHistory.of(this.models).steps(instanceId);
    return steps.map((step) => step.event);
  }

  async listWithTimersDueBefore(cutoff: Date, limit: number): Promise<InstanceRecord[]> {
    const work = await this.work.ready();
    const due = (head: InstanceRecord) =>
      Math.min(...head.timers.map((timer) => new Date(timer.dueAt).getTime()));
    return work
      .openInstances()
      .filter((head) => head.timers.length > 0 && due(head) < cutoff.getTime())
      .sort((a, b) => due(a) - due(b))
      .slice(0, limit);
  }

  async listClosedSince(since: Date, limit: number): Promise<ClosedInstance[]> {
    const work = await this.work.ready();
    return work
      .closedSince(since)
      .filter((closed) => !isDryRun(closed.procedureId))
      .sort((a, b) => new Date(b.endedAt!).getTime() - new Date(a.endedAt!).getTime())
      .slice(0, limit);
  }

  async listInstances(filter: InstanceListFilter): Promise<InstanceRecord[]> {
    if (filter.overdueAt && filter.status && !isOpenStatus(filter.status as InstanceStatus)) return []; // overdue implies open
    if ((filter.status && isOpenStatus(filter.status as InstanceStatus)) || filter.overdueAt) {
      // Open work: served from memory, however many tickets have closed.
      const work = await this.work.ready();
      const skip = filter.skip ?? 0;
      return work
        .openInstances()
        .filter((head) => matches(head, filter))
        .sort(newestFirst)
        .slice(skip, skip + filter.limit);
    }
    // History (any state, or a closed one): a paged query; MongoDB serves it from an index.
    const docs = await this.models.instances
      .find(instanceQuery(filter), HEAD_ONLY)
      .sort({ startedAt: -1, _id: 1 })
      .skip(filter.skip ?? 0)
      .limit(filter.limit)
      .lean();
    // Dry runs (ADR 0035) only when the filter names their procedure; few, so filtered after paging.
    return docs
      .map((doc) => fromDoc<InstanceRecord>(doc))
      .filter((head) => listedInWork(head.procedureId, filter));
  }
}

/** The in-memory twin of `instanceQuery` for open instances. */
function matches(head: InstanceRecord, filter: InstanceListFilter): boolean {
  if (!listedInWork(head.procedureId, filter)) return false;
  const started = new Date(head.startedAt).getTime();
  if (filter.procedureId && head.procedureId !== filter.procedureId) return false;
  if (filter.status && head.status !== filter.status) return false;
  if (filter.startedFrom && started < filter.startedFrom.getTime()) return false;
  if (filter.startedBefore && started >= filter.startedBefore.getTime()) return false;
  const needle = filter.businessKeyContains?.toLowerCase();
  if (needle && !head.businessKey.toLowerCase().includes(needle)) return false;
  if (filter.overdueAt) {
    const at = filter.overdueAt.getTime();
    const dues = [
      ...head.timers.map((timer) => timer.dueAt),
      ...(head.sla ?? []).flatMap((clock) => (clock.dueAt ? [clock.dueAt] : [])),
    ];
    if (!dues.some((due) => new Date(due).getTime() < at)) return false;
  }
  return true;
}

function newestFirst(a: InstanceRecord, b: InstanceRecord): number {
  return (
    new Date(b.startedAt).getTime() - new Date(a.startedAt).getTime() ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** The MongoDB query of an instance list filter (operators FerretDB v1 supports). */
function instanceQuery(filter: InstanceListFilter): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  if (filter.procedureId) query.procedureId = filter.procedureId;
  if (filter.status) query.status = filter.status;
  if (filter.startedFrom || filter.startedBefore) {
    query.startedAt = {
      ...(filter.startedFrom ? { $gte: filter.startedFrom } : {}),
      ...(filter.startedBefore ? { $lt: filter.startedBefore } : {}),
    };
  }
  if (filter.businessKeyContains) {
    query.businessKey = { $regex: escapeRegExp(filter.businessKeyContains), $options: 'i' };
  }
  if (filter.overdueAt) {
    query.status = 'running';
    // Only a running SLA clock has `dueAt` (see SlaClock), so no `$elemMatch` on the status
    // is needed; FerretDB v1's `$elemMatch` does not take field conditions anyway.
    query.$or = [{ 'timers.dueAt': { $lt: filter.overdueAt } }, { 'sla.dueAt': { $lt: filter.overdueAt } }];
  }
  return query;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Maps a stored document's `_id` to the domain's `id`. */
export function fromDoc<T>(doc: Record<string, unknown>): T {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest } as T;
}

/** Helpers for the queries below. */
const HEAD_ONLY = { engineState: 0 } as const;

function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** Dates come back from JSON as strings; the head's own date fields are restored. */
function reviveHead(head: InstanceRecord): InstanceRecord {
  return {
    ...head,
    startedAt: new Date(head.startedAt),
    updatedAt: new Date(head.updatedAt),
    ...(head.endedAt ? { endedAt: new Date(head.endedAt) } : {}),
    timers: head.timers.map((timer) => ({ ...timer, dueAt: new Date(timer.dueAt) })),
  };
}
