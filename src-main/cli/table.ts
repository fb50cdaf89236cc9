// Plain-text tables for the terminal: left-aligned columns padded to the widest cell, numbers right-aligned.

export interface Column {
  title: string;
  align?: 'left' | 'right';
}

export function formatTable(columns: Column[], rows: string[][]): string {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const last = i === cells.length - 1;
        if (columns[i]?.align === 'right') return cell.padStart(widths[i]!);
        return last ? cell : cell.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), ...rows.map(line)].join('\n');
}

/** Numbers the way fitsinfo-like listings want them: 6 significant digits, no trailing noise. */
export function formatNumber(value: number | null): string {
  if (value === null) return '-';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e9)) return value.toExponential(5).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(6)));
}

export function formatShape(shape: number[] | null): string {
  if (!shape || shape.length === 0) return '-';
  return shape.join('x');
}

/** A loss as the training lines print it: 4 decimals (NaN and Infinity as they are). */
export function formatLoss(loss: number): string {
  return Number.isFinite(loss) ? loss.toFixed(4) : String(loss);
}

/** Bytes in decimal megabytes (as file managers show them), one decimal; small sizes in kB. */
export function formatBytes(bytes: number): string {
  if (bytes < 100_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
