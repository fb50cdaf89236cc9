// A header as written: 80-column cards (END among them), space-padded to whole 2880-byte blocks.

/** The header bytes of `cards` (each padded to 80 columns), END included by the caller. */
export function headerBlock(cards: readonly string[]): Uint8Array {
  const text = cards.map((c) => c.padEnd(80, ' ')).join('');
  const out = new Uint8Array(Math.ceil(text.length / 2880) * 2880).fill(0x20);
  out.set(Buffer.from(text, 'latin1'));
  return out;
}
