// Dot products between blocks of rows, the inner loop of dense products (label evaluation, spectra).
// A 2 x 4 tile of rows shares each loaded value among 4 or 2 multiply-adds: about twice the speed of
// one dot product at a time in V8 (about 2 vs 0.7 GMAC/s on one core). Float64Array only: one array
// type keeps V8's code for these loops monomorphic (mixing in Float32Array made them markedly slower).

/**
 * out[(i - i0) * (j1 - j0) + (j - j0)] = x_i . y_j for rows i in [i0, i1) of x and j in [j0, j1) of
 * y, both row-major with d values a row.
 */
export function rowDots(x: Float64Array, i0: number, i1: number, y: Float64Array, j0: number, j1: number, d: number, out: Float64Array): void {
  const w = j1 - j0;
  let i = i0;
  for (; i + 1 < i1; i += 2) {
    const a0 = i * d;
    const a1 = a0 + d;
    const r0 = (i - i0) * w;
    const r1 = r0 + w;
    let j = j0;
    for (; j + 3 < j1; j += 4) {
      const b0 = j * d;
      const b1 = b0 + d;
      const b2 = b1 + d;
      const b3 = b2 + d;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let t = 0; t < d; t++) {
        const u0 = x[a0 + t];
        const u1 = x[a1 + t];
        const v0 = y[b0 + t];
        const v1 = y[b1 + t];
        const v2 = y[b2 + t];
        const v3 = y[b3 + t];
        s00 += u0 * v0; s01 += u0 * v1; s02 += u0 * v2; s03 += u0 * v3;
        s10 += u1 * v0; s11 += u1 * v1; s12 += u1 * v2; s13 += u1 * v3;
      }
      const c = j - j0;
      out[r0 + c] = s00; out[r0 + c + 1] = s01; out[r0 + c + 2] = s02; out[r0 + c + 3] = s03;
      out[r1 + c] = s10; out[r1 + c + 1] = s11; out[r1 + c + 2] = s12; out[r1 + c + 3] = s13;
    }
    for (; j < j1; j++) {
      const b = j * d;
      let s0 = 0;
      let s1 = 0;
      for (let t = 0; t < d; t++) {
        const v = y[b + t];
        s0 += x[a0 + t] * v;
        s1 += x[a1 + t] * v;
      }
      out[r0 + j - j0] = s0;
      out[r1 + j - j0] = s1;
    }
  }
  for (; i < i1; i++) {
    const r = (i - i0) * w;
    for (let j = j0; j < j1; j++) out[r + j - j0] = dot(x, i * d, y, j * d, d);
  }
}

export function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const d4 = d & ~3;
  let t = 0;
  for (; t < d4; t += 4) {
    s0 += a[ao + t] * b[bo + t];
    s1 += a[ao + t + 1] * b[bo + t + 1];
    s2 += a[ao + t + 2] * b[bo + t + 2];
    s3 += a[ao + t + 3] * b[bo + t + 3];
  }
  for (; t < d; t++) s0 += a[ao + t] * b[bo + t];
  return s0 + s1 + s2 + s3;
}
