/** Formats a human-readable ticket number, e.g. `RAD-2026-000123`. */
export function formatTicketNumber(prefix: string, year: number, sequence: number): string {
  return `${prefix}-${year}-${String(sequence).padStart(6, '0')}`;
}
