/**
 * Report dimensions a procedure declares (docs/adr/0027): process property `reportDimensions`,
 * `variable=Label; …`, e.g. `involvedService=Servicio involucrado; category=Categoría`. The
 * reporting read model copies those variables of each ticket, so reports group by them without a
 * hard-coded list per procedure.
 */

/** One declared dimension: the instance variable and its label. */
export interface ReportDimension {
  readonly variable: string;
  readonly label: string;
}

/** Most dimensions one procedure may declare. */
export const MAX_REPORT_DIMENSIONS = 8;
/** Longest dimension value kept in the facts (longer values are cut). */
export const MAX_DIMENSION_VALUE = 100;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Reads the property. Absent or blank: no dimensions. Otherwise the dimensions or a message naming
 * the faulty item (the caller names the process).
 */
export function parseReportDimensions(raw: string | undefined): {
  dimensions?: readonly ReportDimension[];
  problem?: string;
} {
  if (raw === undefined || raw.trim() === '') return {};
  const items = raw
    .split(';')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length > MAX_REPORT_DIMENSIONS)
    return { problem: `reportDimensions lists more than ${MAX_REPORT_DIMENSIONS} items` };
  const dimensions: ReportDimension[] = [];
  for (const item of items) {
    const cut = item.indexOf('=');
    const variable = (cut === -1 ? item : item.slice(0, cut)).trim();
    const label = (cut === -1 ? variable : item.slice(cut + 1)).trim().slice(0, 100) || variable;
    if (!VARIABLE.test(variable))
      return { problem: `reportDimensions item "${item.slice(0, 80)}" must start with a variable name` };
    if (dimensions.some((d) => d.variable === variable))
      return { problem: `reportDimensions lists "${variable}" twice` };
    dimensions.push({ variable, label });
  }
  return { dimensions };
}

/** The ticket's value of each dimension: strings, numbers and booleans, cut to 100 characters. */
export function dimensionValues(
  variables: Readonly<Record<string, unknown>>,
  dimensions: readonly ReportDimension[],
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const { variable } of dimensions) {
    if (!Object.hasOwn(variables, variable)) continue;
    const raw = variables[variable];
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') continue;
    const text = String(raw).trim().slice(0, MAX_DIMENSION_VALUE);
    if (text) values[variable] = text;
  }
  return values;
}
