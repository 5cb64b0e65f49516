/**
 * Ticket priority as a procedure declares it (docs/adr/0021-seed-fidelity.md): process properties
 * `priorityVariable` (the instance variable holding it, e.g. `failureType`) and `priorityValues`,
 * the values from most to least urgent with their labels: `blocking=Guasto bloccante; non-blocking=…`.
 */

/** One declared priority value; `rank` 0 is the most urgent. */
export interface PriorityLevel {
  readonly value: string;
  readonly label: string;
}

/** The priority a procedure declares: which variable, and its values in order of urgency. */
export interface PriorityScale {
  readonly variable: string;
  readonly levels: readonly PriorityLevel[];
}

/** A ticket's priority: the stored value, its label and its rank (unknown values sort last). */
export interface TicketPriority {
  readonly priority?: string;
  readonly label?: string;
  readonly rank: number;
}

/** Most values one scale may list. */
export const MAX_PRIORITY_LEVELS = 20;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const VALUE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * Reads the two process properties. Both absent: no priority (undefined). Otherwise returns the
 * scale or a message naming what is wrong (the caller names the process).
 */
export function parsePriorityScale(
  variable: string | undefined,
  values: string | undefined,
): { scale?: PriorityScale; problem?: string } {
  if (variable === undefined && values === undefined) return {};
  if (variable === undefined || !VARIABLE.test(variable.trim()))
    return { problem: `priorityVariable "${variable ?? ''}" must name a variable (letters, digits, _)` };
  const items = (values ?? '')
    .split(';')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0 || items.length > MAX_PRIORITY_LEVELS)
    return {
      problem: `priorityValues must list 1 to ${MAX_PRIORITY_LEVELS} "value=Label" items separated by ";", most urgent first`,
    };
  const levels: PriorityLevel[] = [];
  for (const item of items) {
    const cut = item.indexOf('=');
    const value = (cut === -1 ? item : item.slice(0, cut)).trim();
    const label = (cut === -1 ? value : item.slice(cut + 1)).trim().slice(0, 200) || value;
    if (!VALUE.test(value)) return { problem: `priorityValues item "${item}" needs a value such as "high"` };
    if (levels.some((level) => level.value === value))
      return { problem: `priorityValues lists "${value}" twice` };
    levels.push({ value, label });
  }
  return { scale: { variable: variable.trim(), levels } };
}

/**
 * The ticket's priority by the procedure's scale (`priorityVariable` / `priorityValues`, ADR 0021);
 * without a scale or a value, unknown (last): no guessing from field names.
 */
export function priorityOf(
  variables: Readonly<Record<string, unknown>>,
  scale?: PriorityScale,
): TicketPriority {
  const unknown = { rank: MAX_PRIORITY_LEVELS };
  if (!scale || !Object.hasOwn(variables, scale.variable)) return unknown;
  const raw = variables[scale.variable];
  const value = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
  if (value === '') return unknown;
  const rank = scale.levels.findIndex((level) => level.value === value);
  const level = scale.levels[rank];
  return level
    ? { priority: value, label: level.label, rank }
    : { priority: value, label: value, ...unknown };
}
