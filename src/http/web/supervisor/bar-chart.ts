/**
 * Geometry of a horizontal bar chart drawn as inline SVG by the template
 * `templates/partials/supervisor-bar-chart.hbs` (no chart library, no script; colours in
 * `public/css/supervisor.css`, since the CSP forbids inline styles).
 */

/** One bar: what it counts and how many. */
export interface BarInput {
  readonly label: string;
  readonly count: number;
}

/** A bar with its coordinates in the chart's viewBox. */
export interface Bar extends BarInput {
  readonly shortLabel: string;
  readonly y: number;
  readonly textY: number;
  readonly width: number;
  readonly valueX: number;
}

/** A chart ready to render. */
export interface BarChart {
  readonly id: string;
  /** i18n key of the chart title (also the SVG `<title>`). */
  readonly titleKey: string;
  readonly width: number;
  readonly height: number;
  readonly labelWidth: number;
  readonly barX: number;
  readonly bars: readonly Bar[];
  /** Labels are i18n keys (translated by the template). */
  readonly translate: boolean;
}

const WIDTH = 640;
const LABEL_WIDTH = 260;
const GAP = 10;
const VALUE_WIDTH = 50;
const ROW = 28;
const BAR = 18;
const MAX_LABEL = 32;

/** Lays out one bar per row, scaled to the largest count; at most `maxBars` bars. */
export function barChart(
  id: string,
  titleKey: string,
  rows: readonly BarInput[],
  options: { maxBars?: number; translate?: boolean } = {},
): BarChart {
  const shown = rows.slice(0, options.maxBars ?? 15);
  const max = Math.max(1, ...shown.map((row) => row.count));
  const barX = LABEL_WIDTH + GAP;
  const span = WIDTH - barX - VALUE_WIDTH;
  const bars = shown.map((row, index) => {
    const width = row.count > 0 ? Math.max(2, Math.round((row.count / max) * span)) : 0;
    const y = index * ROW + (ROW - BAR) / 2;
    return {
      ...row,
      shortLabel: row.label.length > MAX_LABEL ? `${row.label.slice(0, MAX_LABEL - 1)}…` : row.label,
      y,
      textY: y + BAR / 2 + 5,
      width,
      valueX: barX + width + 6,
    };
  });
  const height = Math.max(ROW, bars.length * ROW);
  const translate = options.translate ?? false;
  return { id, titleKey, width: WIDTH, height, labelWidth: LABEL_WIDTH, barX, bars, translate };
}
