import type { Request } from 'express';
import { isAppError } from '../../../domain/errors.js';
import type { FormSchema } from '../../../domain/forms/index.js';
import type { TaskRecord } from '../../../domain/instance.js';
import { CHECKLIST_FIELD, checklistTicks, localize } from '../../../domain/kb/checklist.js';
import { MAX_QUERY_LENGTH } from '../../../app/knowledge-base-search.js';
import type { WebUser } from '../page.js';
import type { WebPageDeps } from '../web-deps.js';
import { param, resultRows } from './kb-views.js';

/** Form field whose text a closing task may propose as a draft article. */
export const SOLUTION_FIELD = 'solution';
/** Form field of the task page that asks for a draft article on completion. */
const DRAFT_FLAG = '_kbDraft';
/** Form field of the task page holding the ticked checklist items (`<checklistId>/<itemId>`). */
const TICK_FIELD = '_kbTick';
const SUGGESTIONS = 5;

interface PanelInput {
  readonly task: TaskRecord;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly schema?: FormSchema | undefined;
  readonly user: WebUser;
  readonly req: Request;
}

/**
 * The knowledge-base part of the task page: articles suggested from the ticket's description
 * and the step (linked articles first), the agent's own search (`?kbq=`), the checklists of
 * the step with the ticks posted so far, and whether the solution can become a draft article.
 */
export async function kbTaskPanel(deps: WebPageDeps, input: PanelInput) {
  const { task, user, req } = input;
  const kb = deps.knowledgeBase;
  const scope = { procedureId: task.procedureId, activityId: task.activityId };
  const description = typeof input.variables.description === 'string' ? input.variables.description : '';
  const suggested = await kb.search(
    { ...scope, q: `${task.name} ${description}`, suggest: true, limit: SUGGESTIONS },
    user,
  );
  const kbq = param(req.query, 'kbq', MAX_QUERY_LENGTH + 1);
  let searched: ReturnType<typeof resultRows> | undefined;
  let searchError: string | undefined;
  if (kbq) {
    try {
      searched = resultRows(await kb.search({ ...scope, q: kbq, limit: 10 }, user));
    } catch (error) {
      if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') throw error;
      searchError = 'kb.list.queryTooLong';
    }
  }
  const ticked = new Set(postedTicks(req.method === 'POST' ? req.body : undefined));
  const takesTicks = input.schema?.data.get(CHECKLIST_FIELD)?.kind === 'list';
  const checklists = takesTicks
    ? kb.checklistsFor(task.procedureId, task.activityId).map((checklist) => ({
        id: checklist.id,
        title: localize(checklist.title, user.language),
        agreedWith: checklist.agreedWith,
        items: checklist.items.map((item) => {
          const value = `${checklist.id}/${item.id}`;
          return {
            value,
            domId: `kb-tick-${checklist.id}-${item.id}`,
            label: localize(item.label, user.language),
            checked: ticked.has(value),
          };
        }),
      }))
    : [];
  return {
    kbPanel: {
      suggested: resultRows(suggested),
      searched,
      searchError,
      kbq: kbq ?? '',
      maxQuery: MAX_QUERY_LENGTH,
      canDraft: task.status === 'open' && input.schema?.data.get(SOLUTION_FIELD)?.kind === 'field',
    },
    kbChecklists: checklists,
  };
}

/**
 * The completion data with the ticked checklist items stored under `checklistUsed` (which
 * items, by whom, when), when the step's form takes them; unknown items are a VALIDATION_FAILED.
 */
export function withChecklistTicks(
  deps: WebPageDeps,
  task: TaskRecord,
  schema: FormSchema | undefined,
  body: unknown,
  user: WebUser,
  data: Record<string, unknown>,
): Record<string, unknown> {
  if (schema?.data.get(CHECKLIST_FIELD)?.kind !== 'list') return data;
  const offered = deps.knowledgeBase.checklistsFor(task.procedureId, task.activityId);
  const ticks = checklistTicks(offered, postedTicks(body), {
    userId: user.id,
    at: deps.clock.now(),
    language: user.language,
  });
  return { ...data, [CHECKLIST_FIELD]: ticks };
}

/**
 * After a completion: when the agent asked for it (the "complete and propose" button), the
 * submitted solution becomes a draft article linked to the procedure and the step, for an
 * analyst or supervisor to review. A failure here never undoes the completion; it is logged.
 */
export async function draftFromCompletion(
  deps: WebPageDeps,
  task: TaskRecord,
  body: unknown,
  data: Record<string, unknown>,
  user: WebUser,
): Promise<string | undefined> {
  const raw = (body ?? {}) as Record<string, unknown>;
  const solution = data[SOLUTION_FIELD];
  if (raw[DRAFT_FLAG] !== '1' || typeof solution !== 'string' || solution.trim() === '') return undefined;
  try {
    const procedure = await deps.definitions.current(task.procedureId);
    const language = ['es', 'it', 'en'].includes(procedure.catalog.language)
      ? procedure.catalog.language
      : user.language;
    const title = `${procedure.catalog.name || task.procedureId}: ${task.name} (${task.businessKey})`.slice(
      0,
      200,
    );
    const input = {
      title,
      body: solution,
      kind: 'solution',
      language,
      procedureIds: [task.procedureId],
      activityIds: [task.activityId],
    };
    const article = await deps.knowledgeBase.create(input, user, { sourceTaskId: task.id });
    return article.articleId;
  } catch (error) {
    deps.logger.warn({ err: error, taskId: task.id }, 'solution could not become a draft article');
    return undefined;
  }
}

function postedTicks(body: unknown): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[TICK_FIELD];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list
    .filter((v): v is string => typeof v === 'string')
    .slice(0, 500)
    .map((v) => v.slice(0, 200));
}
