import { currentSteps } from '../../../app/monitoring-figures.js';
import { laneName } from '../../../app/inbox-service.js';
import type { InstanceLog } from '../../../app/instance-log.js';
import { awaited } from '../../../app/message-service.js';
import { requesterReplyMessageOf } from '../../../app/requester-reply.js';
import { entryFromEvent, forAudience, type ConversationEntry } from '../../../domain/conversation.js';
import type { InstanceRecord } from '../../../domain/instance.js';
import type { AttachmentRef } from '../../../domain/conversation.js';
import { isAttachmentRef } from '../../../domain/forms/file-refs.js';
import type { ProcedureVersion } from '../../../domain/procedure.js';
import { SURVEY_EVENT } from '../../../domain/satisfaction-survey.js';

/** Most steps of a ticket folded into its public history (the latest ones). */
export const MAX_HISTORY_STEPS = 300;

/** One line of the public history. */
export interface HistoryItem {
  readonly at: Date;
  /** i18n key under `requester.history.`: opened, step, reply, requester, survey, closed, cancelled. */
  readonly kind: string;
  readonly stepName?: string;
  readonly entry?: ConversationEntry;
  /** Public files a form of this step stored (filepicker fields, docs/adr/0032). */
  readonly files?: readonly { readonly id: string; readonly name: string }[];
}

/**
 * What the tracking page shows of a ticket, and nothing else: status in words, the steps it is at
 * (by name, with their lane), due dates of running SLA clocks, and the public history (opening,
 * steps completed, public replies, the requester's own entries, survey, closure). Internal notes,
 * internal files, variables, actors and ids of staff never reach the page.
 */
export async function trackingModel(
  log: Pick<InstanceLog, 'step'>,
  head: InstanceRecord,
  version: ProcedureVersion,
  name: (activityId: string) => string,
) {
  const { catalog } = version;
  const steps = currentSteps(head.activeActivities, catalog)
    .filter((id) => !catalog.timers[id])
    .map((id) => {
      const lane = catalog.userTasks[id]?.laneId;
      return { name: name(id), lane: lane ? laneName(catalog, lane) : undefined };
    });
  const running = head.status === 'running' || head.status === 'incident';
  return {
    ticketNumber: head.businessKey,
    procedureName: catalog.name || catalog.procedureId,
    procedureId: catalog.procedureId, // the FAQ link (partial faq-link)
    statusKey: `requester.status.${running ? 'running' : head.status === 'cancelled' ? 'cancelled' : 'closed'}`,
    running,
    steps: running ? steps : [],
    waitingForYou: running && awaited(head, 'message', requesterReplyMessageOf(version)).length > 0,
    expected: running
      ? (head.sla ?? [])
          .filter((clock) => clock.status === 'running' && clock.dueAt)
          .map((clock) => ({ name: clock.name, dueAt: clock.dueAt }))
      : [],
    history: await history(log, head, version, name),
  };
}

/** Public files of a started ticket's or a completed task's form data (never internal ones). */
function publicFormFiles(type: string, data: Record<string, unknown>): { id: string; name: string }[] {
  const values =
    type === 'instance.started' ? data.variables : type === 'task.completed' ? data.data : undefined;
  if (typeof values !== 'object' || values === null) return [];
  return Object.values(values as Record<string, unknown>)
    .slice(0, 200)
    .flatMap((value) => (Array.isArray(value) ? value.slice(0, 10) : [value]))
    .filter((ref): ref is AttachmentRef => isAttachmentRef(ref) && ref.visibility === 'public')
    .map((ref) => ({ id: ref.id, name: ref.name }));
}

async function history(
  log: Pick<InstanceLog, 'step'>,
  head: InstanceRecord,
  version: ProcedureVersion,
  name: (activityId: string) => string,
): Promise<HistoryItem[]> {
  const items: HistoryItem[] = [];
  const first = Math.max(1, head.seq - MAX_HISTORY_STEPS + 1);
  let before: number | undefined; // length of the previous step's completed list
  for (let seq = first; seq <= head.seq; seq++) {
    const step = await log.step(head.id, seq);
    if (!step) continue;
    const { event } = step;
    const done = step.head.completedActivities;
    if (event.type === 'instance.started') items.push({ at: event.at, kind: 'opened' });
    // User tasks that completed in this step, by name (the public outline of the procedure).
    const known = seq === 1 ? 0 : before;
    if (known !== undefined)
      for (const id of new Set(done.slice(known)))
        if (version.catalog.userTasks[id]) items.push({ at: event.at, kind: 'step', stepName: name(id) });
    before = done.length;
    const files = publicFormFiles(event.type, event.data);
    if (files.length > 0) items.push({ at: event.at, kind: 'files', files });
    const entry = entryFromEvent(event);
    const shown = entry && forAudience(entry, 'requester');
    if (shown)
      items.push({ at: event.at, kind: shown.kind === 'reply' ? 'reply' : 'requester', entry: shown });
    if (event.type === SURVEY_EVENT) items.push({ at: event.at, kind: 'survey' });
  }
  if (head.endedAt)
    items.push({ at: head.endedAt, kind: head.status === 'cancelled' ? 'cancelled' : 'closed' });
  return items;
}
