// Checks of numbers given as text or JSON (command-line options, API arguments), one rule for each.

/** The integer `value` stands for when it is one from `min` to `max`, else null. Text must be decimal digits ('12', '-3'; not '1.5', '1e3', '0x10' or ''). */
export function integerIn(value: number | string, min: number, max: number): number | null {
  const n = typeof value === 'number' ? value : /^[+-]?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
}

/** The positive integer `value` stands for (at most `max`), else null. */
export function positiveInteger(value: number | string, max = Number.MAX_SAFE_INTEGER): number | null {
  return integerIn(value, 1, max);
}
