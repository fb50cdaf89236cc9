// Header checks that do not stop reading (astropy _verify): each problem is a FitsIssue the caller may show or fix.

import type { Header } from './header.ts';
import type { FitsIssue } from './issues.ts';

const KEYWORD_CHARS = /^[A-Z0-9_-]*$/;

export function verifyHeader(header: Header, hdu: number): FitsIssue[] {
  const issues: FitsIssue[] = [];
  const add = (code: string, fixable: boolean, message: string, keyword?: string) =>
    issues.push(keyword === undefined ? { code, hdu, fixable, message } : { code, hdu, keyword, fixable, message });
  const cards = header.cards;

  const expected = hdu === 0 || header.get('XTENSION') === undefined ? ['SIMPLE', 'BITPIX', 'NAXIS'] : ['XTENSION', 'BITPIX', 'NAXIS'];
  const naxis = header.get('NAXIS');
  if (typeof naxis === 'number' && naxis >= 0 && naxis <= 999) for (let n = 1; n <= naxis; n++) expected.push(`NAXIS${n}`);
  if (expected[0] === 'XTENSION') expected.push('PCOUNT', 'GCOUNT');
  expected.forEach((keyword, position) => {
    const at = cards.findIndex((c) => c.keyword === keyword);
    if (at >= 0 && at !== position) add('keyword-order', true, `'${keyword}' card at the wrong place (card ${at}, expected ${position})`, keyword);
  });

  const seen = new Set<string>();
  for (const card of cards) {
    const k = card.keyword;
    if (!/^[\x20-\x7e]*$/.test(card.image)) add('non-ascii', true, `card ${JSON.stringify(card.rawKeyword)} holds characters outside printable ASCII`, k);
    if (card.rawKeyword !== k && !card.image.toUpperCase().startsWith('HIERARCH')) {
      add('lowercase-keyword', true, `keyword '${card.rawKeyword}' is not upper case`, k);
    } else if (!card.image.toUpperCase().startsWith('HIERARCH') && !KEYWORD_CHARS.test(k)) {
      add('bad-keyword', false, `keyword '${card.rawKeyword}' has characters outside A-Z 0-9 _ -`, k);
    }
    if (card.isCommentary || k === 'CONTINUE') continue;
    if (card.problem) add('bad-value', false, `${k}: ${card.problem}`, k);
    if (seen.has(k)) add('duplicate-keyword', false, `keyword '${k}' appears more than once (the first is used)`, k);
    seen.add(k);
  }

  const bitpix = header.get('BITPIX');
  if (typeof bitpix === 'number' && bitpix < 0 && header.has('BLANK') && header.get('ZIMAGE') !== true) {
    add('blank-on-float', true, 'BLANK is set on floating-point data (ignored: NaN marks nulls there)', 'BLANK');
  }
  return issues;
}
