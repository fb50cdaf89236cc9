// The SIMD kernels' bytes the app loads are the ones simd.wat assembles to (with the pinned wabt), so
// an edit of the .wat that is not rebuilt (npm run build:simd) fails here rather than going unnoticed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SIMD_BYTES_FILE, simdBytesSource } from '../../../src-main/model/kernels/build-simd.ts';
import { SIMD_MODULE, SIMD_MODULE_FMA } from '../../../src-main/model/kernels/simd-bytes.ts';

describe('simd-bytes.ts', () => {
  it('is what simd.wat assembles to', async () => {
    const built = await simdBytesSource();
    expect(readFileSync(SIMD_BYTES_FILE, 'utf8')).toBe(built.text);
    expect(built.fused).toBeGreaterThan(0);
  });

  it('holds two valid WebAssembly modules', () => {
    for (const b64 of [SIMD_MODULE, SIMD_MODULE_FMA]) {
      const bytes = Buffer.from(b64, 'base64');
      expect([...bytes.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]);
      expect(WebAssembly.validate(bytes)).toBe(true);
    }
  });
});
