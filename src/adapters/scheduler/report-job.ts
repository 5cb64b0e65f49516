import { readFile } from 'node:fs/promises';
import type { ReportSchedules } from '../../app/reports-schedule.js';
import { parseSchedules, type ReportSchedule } from '../../domain/reports/schedule.js';

/** A job Agenda runs every `everyMs` on one process at a time (see AgendaScheduler.recurring). */
export interface RecurringJob {
  readonly name: string;
  readonly everyMs: number;
  run(): Promise<void>;
}

/** Agenda job name of the scheduled reports. */
export const REPORT_JOB = 'scheduled-reports';

/**
 * The scheduled-reports job (docs/adr/0027): every `everyMs` (default 5 minutes) queues in the
 * outbox the periods that have ended and were not queued yet (missed ones too, within a bound),
 * and records the runs whose mail the dispatcher delivered. Two processes running it at once queue
 * nothing twice: each run is claimed by a unique insert first.
 */
export function reportJob(schedules: ReportSchedules, everyMs = 300_000): RecurringJob {
  return {
    name: REPORT_JOB,
    everyMs,
    run: async () => {
      await schedules.runDue();
    },
  };
}

/** Reads `<configDir>/reports/schedules.json`; none when the file does not exist. */
export async function loadSchedules(file: string): Promise<ReportSchedule[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`report schedules ${file} are not valid JSON: ${(error as Error).message}`);
  }
  return parseSchedules(json, file);
}
