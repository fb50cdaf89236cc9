// Option values shared by the commands: commander parsers that turn a bad value into a usage error
// (exit 2), with the rules for numbers in base/numbers.ts, which the API's checks use too.
import { InvalidArgumentError } from 'commander';
import { relative } from 'node:path';
import { integerIn, positiveInteger } from '../base/numbers.ts';

export function positiveCount(value: string): number {
  const n = positiveInteger(value);
  if (n === null) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

export function integerValue(value: string): number {
  const n = integerIn(value, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (n === null) throw new InvalidArgumentError('expected an integer.');
  return n;
}

export function nonNegativeInteger(value: string): number {
  const n = integerIn(value, 0, 0xffffffff);
  if (n === null) throw new InvalidArgumentError('expected an integer from 0 to 4294967295.');
  return n;
}

export function portNumber(value: string): number {
  const n = integerIn(value, 0, 65535);
  if (n === null) throw new InvalidArgumentError('a port is an integer from 0 to 65535');
  return n;
}

export function finiteNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number.');
  return n;
}

export interface Range {
  key: string;
  min?: number;
  max?: number;
}

/** KEY=MIN:MAX, KEY=MIN: or KEY=:MAX (repeatable), e.g. --range EXPTIME=100:2000. */
export function collectRange(value: string, previous: Range[] = []): Range[] {
  const m = /^([^=]+)=([^:]*):([^:]*)$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('expected KEY=MIN:MAX (either bound may be empty), e.g. EXPTIME=100:2000.');
  const bound = (s: string) => {
    if (s.trim() === '') return undefined;
    const n = Number(s);
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`${JSON.stringify(s)} is not a number.`);
    return n;
  };
  const range: Range = { key: m[1].trim() };
  const min = bound(m[2]);
  const max = bound(m[3]);
  if (min === undefined && max === undefined) throw new InvalidArgumentError('give a minimum, a maximum or both.');
  if (min !== undefined) range.min = min;
  if (max !== undefined) range.max = max;
  return [...previous, range];
}

/** Shorter paths under the working directory; absolute elsewhere (the JSON always has the absolute path). */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || rel === '' ? path : rel;
}

export function formatValue(v: number, digits = 4): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(digits - 1) : v.toFixed(digits);
}
