// Checks of numbers given as text or JSON (command-line options, API arguments), with one rule each.

/** The integer `value` stands for when it is one from `min` to `max`, else null ('12' -> 12; '1.5', '', 'x' -> null). */
export function integerIn(value: number | string, min: number, max: number): number | null {
  const n = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
}

/** The positive integer `value` stands for (at most `max`), else null. */
export function positiveInteger(value: number | string, max = Number.MAX_SAFE_INTEGER): number | null {
  return integerIn(value, 1, max);
}
