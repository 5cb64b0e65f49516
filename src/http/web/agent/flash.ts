/** Outcomes a redirect may announce with `?done=<outcome>` (no session flash store needed). */
const OUTCOMES: ReadonlySet<string> = new Set([
  'completed',
  'completed-next',
  'started',
  'started-elsewhere',
]);
const TICKET = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** The message to show after a redirect: an i18n key and the ticket number it names. */
export interface Flash {
  readonly key: string;
  readonly ticket?: string;
}

/** The flash message of a query string, if it carries a known outcome. */
export function flashOf(query: Record<string, unknown>): Flash | undefined {
  const done = query.done;
  if (typeof done !== 'string' || !OUTCOMES.has(done)) return undefined;
  const ticket = typeof query.ticket === 'string' && TICKET.test(query.ticket) ? query.ticket : undefined;
  return { key: `agent.flash.${done}`, ...(ticket ? { ticket } : {}) };
}

/** The query string announcing an outcome for a ticket. */
export function flashQuery(done: string, ticket: string): string {
  return `done=${encodeURIComponent(done)}&ticket=${encodeURIComponent(ticket)}`;
}
