// PLIO_1 tile decoder: IRAF's line-list encoding of integer masks (pl_l2pi in CFITSIO's pliocomp.c, a
// translation of IRAF's plio). A tile is one image row as a list of 16-bit words: a header (7 words, or 3
// in the old format), then instructions of a 4-bit opcode and 12 bits of data: runs of zeros, runs of the
// current value, single pixels, and changes of the current value. Pixels past the end of the list are 0.

export function decodePlio(words: Int16Array, out: Int32Array, npix: number): string | undefined {
  // 1-based as in the Fortran original: ll[k] is words[k - 1]
  const ll = (k: number): number => words[k - 1]!;
  if (words.length < 3) return `line list is ${words.length} words, shorter than its header`;
  let lllen: number;
  let llfirt: number;
  if (ll(3) > 0) {
    // old format: the length is word 3, instructions from word 4
    lllen = ll(3);
    llfirt = 4;
  } else {
    if (words.length < 5) return `line list is ${words.length} words, shorter than its header`;
    lllen = (ll(5) << 15) + ll(4);
    llfirt = ll(2) + 1;
  }
  if (lllen > words.length) return `line list claims ${lllen} words, the tile holds ${words.length}`;
  if (npix <= 0 || lllen <= 0) {
    out.fill(0, 0, Math.max(0, npix));
    return undefined;
  }
  if (llfirt < 1) return `line list header puts its first instruction at word ${llfirt}`;
  const xs = 1;
  const xe = xs + npix - 1;
  let skipword = false;
  let op = 1; // 1-based output position
  let x1 = 1;
  let pv = 1;
  for (let ip = llfirt; ip <= lllen; ip++) {
    if (skipword) {
      skipword = false;
      continue;
    }
    const word = ll(ip);
    // C's int division truncates toward zero; a negative word's opcode is then 0 or negative
    const opcode = Math.trunc(word / 4096);
    const data = word & 4095;
    switch (opcode) {
      case 0:
      case 4:
      case 5: {
        // a run of zeros (0), of the current value (4), or of zeros ending in the current value (5)
        const x2 = x1 + data - 1;
        const i1 = Math.max(x1, xs);
        const i2 = Math.min(x2, xe);
        const np = i2 - i1 + 1;
        if (np > 0) {
          const otop = op + np - 1;
          if (opcode === 4) out.fill(pv, op - 1, otop);
          else {
            out.fill(0, op - 1, otop);
            if (opcode === 5 && i2 === x2) out[otop - 1] = pv;
          }
          op = otop + 1;
        }
        x1 = x2 + 1;
        break;
      }
      case 1:
        // set the current value: 12 bits here, the high bits in the next word
        if (ip + 1 > lllen) return 'line list ends inside a set-value instruction';
        pv = (ll(ip + 1) << 12) + data;
        skipword = true;
        break;
      case 2:
        pv += data;
        break;
      case 3:
        pv -= data;
        break;
      case 6:
      case 7:
        // change the current value and output it as one pixel
        pv = opcode === 6 ? pv + data : pv - data;
        if (x1 >= xs && x1 <= xe) {
          out[op - 1] = pv;
          op++;
        }
        x1++;
        break;
      default:
        // opcodes outside 0..7 (negative words) are skipped, as CFITSIO does
        break;
    }
    if (x1 > xe) break;
  }
  out.fill(0, op - 1, npix);
  return undefined;
}
