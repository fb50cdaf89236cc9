import { describe, expect, it } from 'vitest';
import { applyScaling } from '../../../src-main/fits/index.ts';

describe('applyScaling', () => {
  it('returns the stored values unchanged (as float64) when BSCALE=1 and BZERO=0', () => {
    const raw = new Int16Array([-32768, -1, 0, 1, 32767]);
    expect(Array.from(applyScaling(raw, { bscale: 1, bzero: 0 }))).toEqual([-32768, -1, 0, 1, 32767]);
    expect(raw[0]).toBe(-32768);
  });

  it('multiplies then adds in float64', () => {
    const raw = new Int32Array([3, -7, 123456789]);
    const out = applyScaling(raw, { bscale: 0.1, bzero: 3.3 });
    // 3*0.1 = 0.30000000000000004 in float64; + 3.3 rounds once more
    expect(out[0]).toBe(0.30000000000000004 + 3.3);
    expect(out[1]).toBe(-7 * 0.1 + 3.3);
    expect(out[2]).toBe(123456789 * 0.1 + 3.3);
  });

  it('turns BLANK into NaN for integer data only', () => {
    const ints = applyScaling(new Int16Array([5, -999, 7]), { bscale: 2, bzero: 1, blank: -999 });
    expect(Array.from(ints)).toEqual([11, NaN, 15]);
    const floats = applyScaling(new Float32Array([5, -999, 7]), { bscale: 1, bzero: 0, blank: -999 });
    expect(Array.from(floats)).toEqual([5, -999, 7]);
    const bytes = applyScaling(new Uint8Array([0, 255]), { bscale: 1, bzero: 0, blank: 255 });
    expect(Array.from(bytes)).toEqual([0, NaN]);
  });

  it('reads the unsigned 16- and 32-bit conventions (BZERO 2^15, 2^31) exactly', () => {
    expect(Array.from(applyScaling(new Int16Array([-32768, 0, 32767]), { bscale: 1, bzero: 32768 }))).toEqual([0, 32768, 65535]);
    expect(Array.from(applyScaling(new Int32Array([-2147483648, 2147483647]), { bscale: 1, bzero: 2147483648 }))).toEqual([0, 4294967295]);
  });

  it('reads unsigned 64-bit (BZERO 2^63) in integers, rounding once to float64', () => {
    const raw = new BigInt64Array([-(2n ** 63n), -(2n ** 63n) + 1n, 0n, 2n ** 63n - 1n, -(2n ** 63n) + 2n ** 53n + 1n]);
    const out = applyScaling(raw, { bscale: 1, bzero: 2 ** 63 });
    expect(out[0]).toBe(0);
    expect(out[1]).toBe(1); // float64 arithmetic would give 0 here
    expect(out[2]).toBe(2 ** 63);
    expect(out[3]).toBe(2 ** 64);
    expect(out[4]).toBe(2 ** 53); // 2^53+1 rounds to even
  });

  it('converts signed 64-bit values beyond 2^53 to the nearest float64 and honours a bigint BLANK', () => {
    const raw = new BigInt64Array([2n ** 53n + 1n, -(2n ** 63n), 42n]);
    const out = applyScaling(raw, { bscale: 1, bzero: 0, blank: -(2n ** 63n) });
    expect(Array.from(out)).toEqual([2 ** 53, NaN, 42]);
  });

  it('scales float data too (BSCALE/BZERO apply, BLANK does not)', () => {
    expect(Array.from(applyScaling(new Float64Array([1, NaN, -2]), { bscale: 2, bzero: 1 }))).toEqual([3, NaN, -3]);
  });
});
