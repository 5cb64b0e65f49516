import type { Agenda } from 'agenda';

/** The parts of Agenda 6.2's (internal) JobProcessor the guard touches. */
interface JobProcessorInternals {
  process(): Promise<void>;
  lockedJobs: { attrs: { _id?: unknown; name: string } }[];
  runningJobs: { attrs: { _id?: unknown } }[];
  jobQueue: { getQueue(): { attrs: { _id?: unknown } }[] };
  jobStatus: Record<string, { locked: number; running: number } | undefined>;
}

/**
 * Makes Agenda's polling safe on a slow job table (docs/adr/0015). Agenda 6.2.6 starts a poll every
 * `processEvery` even while the previous one is still locking jobs; on FerretDB each lock scans the
 * job table, so with a large backlog polls pile up, flood the database and nothing runs for
 * minutes. Guarded, a poll that finds the previous one busy is skipped. Each poll also drops the
 * jobs Agenda forgot: a queued job whose lock expired is removed from the queue but keeps its
 * lock slot, which with a lock limit would stall the processor for good.
 * Agenda's internals are pinned by the exact version in package.json; a missing processor is a no-op.
 */
export function guardPolling(agenda: Agenda): void {
  const processor = (agenda as unknown as { jobProcessor?: JobProcessorInternals }).jobProcessor;
  if (!processor || typeof processor.process !== 'function') return;
  const poll = processor.process.bind(processor);
  let busy = false;
  processor.process = async () => {
    if (busy) return;
    busy = true;
    try {
      releaseForgotten(processor);
      await poll();
    } finally {
      busy = false;
    }
  };
}

function releaseForgotten(processor: JobProcessorInternals): void {
  const id = (job: { attrs: { _id?: unknown } }) => String(job.attrs._id);
  const alive = new Set([...processor.runningJobs, ...processor.jobQueue.getQueue()].map(id));
  const forgotten = processor.lockedJobs.filter((job) => !alive.has(id(job)));
  for (const job of forgotten) {
    processor.lockedJobs.splice(processor.lockedJobs.indexOf(job), 1);
    const status = processor.jobStatus[job.attrs.name];
    if (status) status.locked = Math.max(0, status.locked - 1);
  }
}
