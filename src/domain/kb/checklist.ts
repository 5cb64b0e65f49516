import { AppError, type FieldIssue } from '../errors.js';

/** Text in several languages; at least one. */
export type LocalizedText = Readonly<Partial<Record<'es' | 'it' | 'en', string>>>;

/** One item to tick. */
export interface ChecklistItem {
  readonly id: string;
  readonly label: LocalizedText;
}

/** A checklist agreed with a partner (e.g. AS, RT, ESTAR) and attached to diagram steps. */
export interface Checklist {
  readonly id: string;
  readonly procedureId: string;
  readonly title: LocalizedText;
  readonly agreedWith?: string;
  readonly activityIds: readonly string[];
  readonly items: readonly ChecklistItem[];
}

/** One ticked item as stored on the ticket with the task's completion data. */
export interface ChecklistTick {
  readonly checklistId: string;
  readonly itemId: string;
  readonly label: string;
  readonly checkedBy: string;
  readonly checkedAt: string;
}

/** The form field (a dynamic list in the step's form) that holds the ticks. */
export const CHECKLIST_FIELD = 'checklistUsed';

const LIMITS = { checklists: 50, items: 50, label: 300, activities: 20 } as const;
const ID = /^[a-z0-9][a-z0-9-]{0,79}$/;
const ACTIVITY = /^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/;
type Raw = Record<string, unknown>;

/**
 * Parses a checklist file (`config/checklists/<procedureId>.json`). Throws VALIDATION_FAILED
 * naming the file and each bad element (`checklists[0].items[2].label`, ...).
 */
export function parseChecklistFile(json: unknown, procedureId: string, file: string): Checklist[] {
  const issues: FieldIssue[] = [];
  const raw = isRaw(json) ? json : {};
  if (raw.procedureId !== procedureId) {
    issues.push({
      path: 'procedureId',
      reason: 'mismatch',
      message: `must be "${procedureId}" (the file name)`,
    });
  }
  const list = Array.isArray(raw.checklists) ? raw.checklists.slice(0, LIMITS.checklists + 1) : [];
  if (list.length === 0 || list.length > LIMITS.checklists) {
    issues.push({
      path: 'checklists',
      reason: 'size',
      message: `needs 1 to ${LIMITS.checklists} checklists`,
    });
  }
  const ids = new Set<string>();
  const checklists = list.slice(0, LIMITS.checklists).map((entry: unknown, index) => {
    const checklist = parseChecklist(entry, procedureId, `checklists[${index}]`, issues);
    if (ids.has(checklist.id))
      issues.push({
        path: `checklists[${index}].id`,
        reason: 'duplicate',
        message: `checklist <${checklist.id}> is defined twice`,
      });
    ids.add(checklist.id);
    return checklist;
  });
  if (issues.length > 0) {
    const first = issues[0] as FieldIssue;
    throw new AppError('VALIDATION_FAILED', `checklist file ${file}: ${first.path} ${first.message}`, issues);
  }
  return checklists;
}

function parseChecklist(entry: unknown, procedureId: string, where: string, issues: FieldIssue[]): Checklist {
  const raw = isRaw(entry) ? entry : {};
  const id = idOf(raw.id, `${where}.id`, issues);
  const activities = Array.isArray(raw.activityIds) ? raw.activityIds.slice(0, LIMITS.activities + 1) : [];
  if (
    activities.length === 0 ||
    activities.length > LIMITS.activities ||
    !activities.every((a) => typeof a === 'string' && ACTIVITY.test(a))
  ) {
    issues.push({
      path: `${where}.activityIds`,
      reason: 'format',
      message: `checklist <${id}> needs 1 to ${LIMITS.activities} activity ids`,
    });
  }
  const rawItems = Array.isArray(raw.items) ? raw.items.slice(0, LIMITS.items + 1) : [];
  if (rawItems.length === 0 || rawItems.length > LIMITS.items) {
    issues.push({
      path: `${where}.items`,
      reason: 'size',
      message: `checklist <${id}> needs 1 to ${LIMITS.items} items`,
    });
  }
  const seen = new Set<string>();
  const items = rawItems.slice(0, LIMITS.items).map((item: unknown, index) => {
    const at = `${where}.items[${index}]`;
    const rawItem = isRaw(item) ? item : {};
    const itemId = idOf(rawItem.id, `${at}.id`, issues);
    if (seen.has(itemId))
      issues.push({
        path: `${at}.id`,
        reason: 'duplicate',
        message: `item <${itemId}> is listed twice in <${id}>`,
      });
    seen.add(itemId);
    return { id: itemId, label: localized(rawItem.label, `${at}.label`, issues) };
  });
  const agreedWith = typeof raw.agreedWith === 'string' ? raw.agreedWith.slice(0, 40) : undefined;
  return {
    id,
    procedureId,
    title: localized(raw.title, `${where}.title`, issues),
    ...(agreedWith ? { agreedWith } : {}),
    activityIds: activities.filter((a): a is string => typeof a === 'string'),
    items,
  };
}

/** The text of a localized label in a language, else in any language it has. */
export function localize(text: LocalizedText, language: string): string {
  const own = (text as Record<string, string | undefined>)[language];
  return own ?? text.it ?? text.es ?? text.en ?? '';
}

/**
 * The ticks of a completion: each posted `<checklistId>/<itemId>` must name an item of a
 * checklist offered on the step. Returns the stored entries (label in the procedure's
 * language, who ticked, when) or throws VALIDATION_FAILED on the `checklistUsed` field.
 */
export function checklistTicks(
  offered: readonly Checklist[],
  posted: readonly string[],
  who: { readonly userId: string; readonly at: Date; readonly language: string },
): ChecklistTick[] {
  const max = offered.reduce((sum, checklist) => sum + checklist.items.length, 0);
  const ticks: ChecklistTick[] = [];
  const seen = new Set<string>();
  for (const value of posted.slice(0, max + 1)) {
    const [checklistId = '', itemId = ''] = value.split('/', 2);
    const checklist = offered.find((candidate) => candidate.id === checklistId);
    const item = checklist?.items.find((candidate) => candidate.id === itemId);
    if (!checklist || !item) {
      throw new AppError(
        'VALIDATION_FAILED',
        `checklist item <${value.slice(0, 160)}> is not offered on this step`,
        [
          {
            path: CHECKLIST_FIELD,
            reason: 'unknown-item',
            message: `unknown checklist item <${value.slice(0, 160)}>`,
          },
        ],
      );
    }
    if (seen.has(value)) continue;
    seen.add(value);
    const label = localize(item.label, who.language);
    ticks.push({ checklistId, itemId, label, checkedBy: who.userId, checkedAt: who.at.toISOString() });
  }
  return ticks;
}

function idOf(value: unknown, path: string, issues: FieldIssue[]): string {
  if (typeof value === 'string' && ID.test(value)) return value;
  issues.push({ path, reason: 'format', message: 'must be a lowercase id (a-z, 0-9, -)' });
  return typeof value === 'string' ? value.slice(0, 80) : '';
}

function localized(value: unknown, path: string, issues: FieldIssue[]): LocalizedText {
  const raw = isRaw(value) ? value : {};
  const entries = (['es', 'it', 'en'] as const)
    .filter((lang) => typeof raw[lang] === 'string' && (raw[lang] as string).trim() !== '')
    .map((lang) => [lang, (raw[lang] as string).trim()] as const);
  if (entries.length === 0 || entries.some(([, text]) => text.length > LIMITS.label)) {
    issues.push({
      path,
      reason: 'format',
      message: `needs a text in es, it or en of at most ${LIMITS.label} characters`,
    });
  }
  return Object.fromEntries(entries);
}

function isRaw(value: unknown): value is Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The completion data with every checklist tick attributed to who completes the task and when
 * (the server's clock): `checkedBy`/`checkedAt` a client sends are never trusted (an API client
 * could otherwise record ticks in someone else's name or at another time). Other fields and
 * data without ticks are returned as they are.
 */
export function stampChecklistTicks(
  data: Record<string, unknown>,
  userId: string,
  at: Date,
): Record<string, unknown> {
  const ticks = data[CHECKLIST_FIELD];
  if (!Array.isArray(ticks)) return data;
  const checkedAt = at.toISOString();
  const stamped = ticks.map((tick: unknown) =>
    tick !== null && typeof tick === 'object' && !Array.isArray(tick)
      ? { ...(tick as Raw), checkedBy: userId, checkedAt }
      : tick,
  );
  return { ...data, [CHECKLIST_FIELD]: stamped };
}
