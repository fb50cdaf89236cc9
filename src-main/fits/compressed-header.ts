// The image header of a tile-compressed HDU, rebuilt from its BINTABLE header as astropy's CompImageHDU shows it:
// Z-prefixed structural keywords become the image's own, table and compression keywords are dropped.

import { Card, formatCard } from './card.ts';
import type { CardValue } from './card.ts';
import { Header } from './header.ts';
import { MAX_NAXIS } from './structure.ts';

const TABLE_ONLY = /^(XTENSION|BITPIX|NAXIS\d*|PCOUNT|GCOUNT|TFIELDS|THEAP|EXTEND|T(TYPE|FORM|UNIT|SCAL|ZERO|NULL|DISP|DIM|BCOL)\d+|ZIMAGE|ZCMPTYPE|ZBITPIX|ZNAXIS\d*|ZTILE\d+|ZNAME\d+|ZVAL\d+|ZQUANTIZ|ZMASKCMP|ZSIMPLE|ZTENSION|ZEXTEND|ZBLOCKED|ZPCOUNT|ZGCOUNT|ZHECKSUM|ZDATASUM|CHECKSUM|DATASUM)$/;

export function imageHeaderFromCompressed(table: Header): Header {
  const comment = (key: string): string => table.card(key)?.comment ?? '';
  const get = (key: string, fallback: CardValue): CardValue => table.get(key) ?? fallback;
  const znaxis = table.get('ZNAXIS');
  // hduKind has checked ZNAXIS for a compressed HDU; bounded here too, since the loop below runs that often
  const naxis = typeof znaxis === 'number' && Number.isInteger(znaxis) && znaxis >= 0 && znaxis <= MAX_NAXIS ? znaxis : 0;
  const cards: Card[] = [];
  const add = (key: string, value: CardValue, from: string) => cards.push(new Card(formatCard(key, value, comment(from))));
  // fpack of a primary array writes ZSIMPLE: the image then reads back as a primary header.
  const primary = table.has('ZSIMPLE');
  if (primary) add('SIMPLE', get('ZSIMPLE', true), 'ZSIMPLE');
  else add('XTENSION', get('ZTENSION', 'IMAGE'), 'ZTENSION');
  add('BITPIX', get('ZBITPIX', 8), 'ZBITPIX');
  add('NAXIS', naxis, 'ZNAXIS');
  for (let n = 1; n <= naxis; n++) add(`NAXIS${n}`, get(`ZNAXIS${n}`, 0), `ZNAXIS${n}`);
  if (primary) {
    if (table.has('ZEXTEND')) add('EXTEND', get('ZEXTEND', true), 'ZEXTEND');
  } else {
    add('PCOUNT', get('ZPCOUNT', 0), 'ZPCOUNT');
    add('GCOUNT', get('ZGCOUNT', 1), 'ZGCOUNT');
  }
  if (table.has('ZHECKSUM')) add('CHECKSUM', get('ZHECKSUM', ''), 'ZHECKSUM');
  if (table.has('ZDATASUM')) add('DATASUM', get('ZDATASUM', ''), 'ZDATASUM');
  for (const card of table.cards) {
    if (!card.isCommentary && TABLE_ONLY.test(card.keyword)) continue;
    // The name fpack gives every compressed HDU is not the image's name.
    if (card.keyword === 'EXTNAME' && card.value === 'COMPRESSED_IMAGE') continue;
    cards.push(card);
  }
  return new Header(cards);
}
