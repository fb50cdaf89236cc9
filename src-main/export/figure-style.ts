// Publication defaults: journal column widths, print-size fonts, thin lines, and colourblind-safe
// colours (Okabe & Ito 2008 for categories; viridis or cividis for values).
export const COLUMN_WIDTHS = { single: 3.35, double: 7.0 } as const;
export type WidthPreset = keyof typeof COLUMN_WIDTHS;

/** Inches from 'single', 'double' or a number of inches (1 to 20). */
export function figureWidthInches(width: WidthPreset | number | string): number {
  if (width === 'single' || width === 'double') return COLUMN_WIDTHS[width];
  const n = typeof width === 'number' ? width : Number(width);
  if (!Number.isFinite(n) || n < 1 || n > 20) throw new RangeError(`figure width ${JSON.stringify(width)}: use single, double or inches between 1 and 20`);
  return n;
}

export const STYLE = {
  /** Points; journals ask for 6-8 pt text at print size. */
  tickFont: 7,
  labelFont: 8,
  legendFont: 7,
  captionFont: 6.5,
  axisLine: 0.6,
  tickLength: 3,
  dataLine: 1,
  text: '#000000',
  muted: '#555555',
  frame: '#000000',
  grid: '#DDDDDD',
  background: '#FFFFFF',
} as const;

/** Okabe-Ito: eight colours distinguishable with the common colour-vision deficiencies (black last). */
export const OKABE_ITO = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#000000'] as const;
/** For noise/unlabelled points. */
export const NEUTRAL = '#BBBBBB';

export function categoryColour(i: number): string {
  return OKABE_ITO[i % OKABE_ITO.length]!;
}
