import { describe, expect, it } from 'vitest';
import { Card, Header } from '../../../src-main/fits/index.ts';
import { formatCard, formatLongString } from '../../../src-main/fits/card.ts';

const card = (s: string) => new Card(s.padEnd(80, ' '));

describe('Card', () => {
  it('parses strings with doubled quotes and " /" inside, dropping trailing blanks only', () => {
    const c = card("OBJECT  = 'it''s a / b  '  / the comment");
    expect(c.keyword).toBe('OBJECT');
    expect(c.value).toBe("it's a / b");
    expect(c.comment).toBe('the comment');
    expect(card("X       = '  lead'").value).toBe('  lead');
    expect(card("X       = ''").value).toBe('');
  });

  it('parses logicals, integers, reals with D exponents, and undefined values', () => {
    expect(card('SIMPLE  =                    T').value).toBe(true);
    expect(card('EXTEND  =                    F / no').value).toBe(false);
    expect(card('NAXIS1  =                 2048 / width').value).toBe(2048);
    expect(card('BSCALE  =             1.5D3').value).toBe(1500);
    expect(card('CDELT1  = -2.7777777777777E-04').value).toBe(-2.7777777777777e-4);
    expect(card('CRVAL3  = .5').value).toBe(0.5);
    const undef = card('UNDEF   =                      / nothing here');
    expect(undef.value).toBeUndefined();
    expect(undef.comment).toBe('nothing here');
  });

  it('keeps integers beyond 2^53 exact as bigint', () => {
    expect(card('BLANK   = -9223372036854775808').value).toBe(-9223372036854775808n);
    expect(card('BZERO   =  9223372036854775808').value).toBe(9223372036854775808n);
    expect(card('BIG     =     9007199254740993').value).toBe(9007199254740993n);
    expect(card('SAFE    =     9007199254740991').value).toBe(9007199254740991);
  });

  it('tolerates lowercase keywords, looking them up in upper case', () => {
    const c = card('naxis1  =                   40');
    expect(c.keyword).toBe('NAXIS1');
    expect(c.rawKeyword).toBe('naxis1');
    expect(c.value).toBe(40);
  });

  it('treats COMMENT, HISTORY, blank and value-less cards as text', () => {
    const h = card('HISTORY = not a value, just text');
    expect(h.isCommentary).toBe(true);
    expect(h.value).toBeUndefined();
    expect(h.text).toBe('= not a value, just text');
    expect(card('NOVALUE   free text without an equals sign').isCommentary).toBe(true);
  });

  it('reads HIERARCH keywords', () => {
    const c = card('HIERARCH ESO DET CHIP NAME = \'CCD-44\' / chip');
    expect(c.keyword).toBe('ESO DET CHIP NAME');
    expect(c.value).toBe('CCD-44');
  });

  it('keeps complex values as their text without calling them unparseable', () => {
    const c = card('CMPLXVAL= (1.5, -2.0)          / complex value');
    expect(c.value).toBe('(1.5, -2.0)');
    expect(c.problem).toBeUndefined();
  });

  it('reports unparseable values instead of throwing', () => {
    const c = card('ODD     = 12abc');
    expect(c.value).toBe('12abc');
    expect(c.problem).toMatch(/unparseable/);
  });

  it('formats cards that parse back to the same value', () => {
    for (const v of [true, false, 0, -17, 2048, 0.1, -2.5e-10, 6.02e23, 1e21, "o'brien / x", 'short', 12345678901234567890n]) {
      const img = formatCard('KEY', v, 'c');
      expect(img.length).toBe(80);
      expect(new Card(img).value).toEqual(v);
    }
  });
});

describe('long strings', () => {
  it('split over CONTINUE cards and merge back, quotes included', () => {
    const value = "A very long value with a quote ' in it, ".repeat(6) + 'and an end.';
    const images = formatLongString('LONGKEY', value, 'the comment');
    expect(images.length).toBeGreaterThan(3);
    expect(images.every((c) => c.length === 80)).toBe(true);
    const h = Header.fromRecords(images.join('') + 'END'.padEnd(80, ' '));
    expect(h.get('LONGKEY')).toBe(value);
    expect(h.cards.at(-1)?.comment).toBe('the comment');
    expect(formatLongString('SHORT', 'abc')).toEqual([formatCard('SHORT', 'abc')]);
  });
});

describe('Header', () => {
  const records = (lines: string[]) => lines.map((l) => l.padEnd(80, ' ')).join('') + 'END'.padEnd(80, ' ') + ' '.repeat(80);

  it('merges CONTINUE long strings, keeps every record, and looks keys up case-insensitively', () => {
    const h = Header.fromRecords(records([
      'SIMPLE  =                    T',
      "LONGSTR = 'This is a long string value that is continued over &'",
      "CONTINUE  'several cards, with a '' quote and a / slash &'",
      "CONTINUE  'to the end.'  / comment on the last piece",
      'HISTORY first step',
      'COMMENT a comment',
      'HISTORY second step',
      'Object  = \'M31\'',
      "OBJECT  = 'duplicate'",
    ]));
    expect(h.cards.length).toBe(9);
    expect(h.get('longstr')).toBe("This is a long string value that is continued over several cards, with a ' quote and a / slash to the end.");
    expect(h.history()).toEqual(['first step', 'second step']);
    expect(h.comments()).toEqual(['a comment']);
    expect(h.get('OBJECT')).toBe('M31');
    expect(h.has('continue')).toBe(false);
    expect(h.get('MISSING')).toBeUndefined();
    expect(h.toString().split('\n').at(-1)?.trim()).toBe('END');
  });

  it('stops at END and ignores the blank padding after it', () => {
    const h = Header.fromRecords(records(['SIMPLE  =                    T', 'BITPIX  =                   16']));
    expect(h.cards.map((c) => c.keyword)).toEqual(['SIMPLE', 'BITPIX']);
  });
});
