// One 80-character header record (astropy card.py). The value is parsed only when asked for.

export type CardValue = string | number | boolean | bigint;

const COMMENTARY = new Set(['COMMENT', 'HISTORY', '']);
const INTEGER = /^[+-]?\d+$/;
const REAL = /^[+-]?(\d+\.?\d*|\.\d+)([EeDd][+-]?\d+)?$/;
const NUM = String.raw`[+-]?(\d+\.?\d*|\.\d+)([EeDd][+-]?\d+)?`;
const COMPLEX = new RegExp(String.raw`^\(\s*${NUM}\s*,\s*${NUM}\s*\)$`);

export class Card {
  /** The 80 characters as stored (latin1-decoded). */
  readonly image: string;
  /** Upper-cased keyword, used for lookups (lowercase keywords are tolerated, verify reports them). */
  readonly keyword: string;
  /** Keyword exactly as written in columns 1-8 (or after HIERARCH). */
  readonly rawKeyword: string;
  #parsed = false;
  #value: CardValue | undefined;
  #comment = '';
  #problem: string | undefined;

  constructor(image: string) {
    this.image = image.length >= 80 ? image.slice(0, 80) : image.padEnd(80, ' ');
    let raw = this.image.slice(0, 8).trimEnd();
    if (raw.toUpperCase() === 'HIERARCH') {
      const eq = this.image.indexOf('=', 8);
      if (eq > 0) raw = this.image.slice(8, eq).trim();
    }
    this.rawKeyword = raw;
    this.keyword = raw.toUpperCase();
  }

  /** COMMENT, HISTORY and blank-keyword cards carry free text, never a value. */
  get isCommentary(): boolean {
    return COMMENTARY.has(this.keyword) || (!this.#hasValueIndicator() && this.keyword !== 'CONTINUE');
  }

  /** Parsed value: string (trailing blanks dropped, '' unescaped), boolean, number, bigint beyond 2^53; undefined when absent. */
  get value(): CardValue | undefined {
    this.#parse();
    return this.#value;
  }

  get comment(): string {
    this.#parse();
    return this.#comment;
  }

  /** Why the value could not be parsed, if it could not. */
  get problem(): string | undefined {
    this.#parse();
    return this.#problem;
  }

  /** Free text of a commentary card (columns 9-80). */
  get text(): string {
    return this.image.slice(8).trimEnd();
  }

  #hasValueIndicator(): boolean {
    if (this.image.slice(0, 8).toUpperCase() === 'HIERARCH') return this.image.indexOf('=', 8) > 0;
    return this.image[8] === '=' && this.image[9] === ' ';
  }

  #parse(): void {
    if (this.#parsed) return;
    this.#parsed = true;
    if (COMMENTARY.has(this.keyword)) return;
    let field: string;
    if (this.keyword === 'CONTINUE') field = this.image.slice(8);
    else if (this.image.slice(0, 8).toUpperCase() === 'HIERARCH') {
      const eq = this.image.indexOf('=', 8);
      if (eq < 0) return;
      field = this.image.slice(eq + 1);
    } else if (this.#hasValueIndicator()) field = this.image.slice(10);
    else return;
    const parsed = parseValueField(field);
    this.#value = parsed.value;
    this.#comment = parsed.comment;
    this.#problem = parsed.problem;
  }

  toString(): string {
    return this.image;
  }
}

/** Parses a value field (after "= "): a quoted string ('' is a quote; " /" inside is text), T/F, integer, real. */
export function parseValueField(field: string): { value: CardValue | undefined; comment: string; problem?: string } {
  let i = 0;
  while (i < field.length && field[i] === ' ') i++;
  if (field[i] === "'") {
    let s = '';
    let j = i + 1;
    for (;;) {
      if (j >= field.length) return { value: s.trimEnd(), comment: '', problem: 'string value has no closing quote' };
      const ch = field[j];
      if (ch === "'") {
        if (field[j + 1] === "'") {
          s += "'";
          j += 2;
          continue;
        }
        break;
      }
      s += ch;
      j++;
    }
    const rest = field.slice(j + 1);
    const slash = rest.indexOf('/');
    return { value: s.trimEnd(), comment: slash >= 0 ? rest.slice(slash + 1).trim() : '' };
  }
  const slash = field.indexOf('/', i);
  const token = (slash >= 0 ? field.slice(i, slash) : field.slice(i)).trim();
  const comment = slash >= 0 ? field.slice(slash + 1).trim() : '';
  if (token === '') return { value: undefined, comment };
  if (token === 'T') return { value: true, comment };
  if (token === 'F') return { value: false, comment };
  if (INTEGER.test(token)) {
    const n = Number(token);
    if (Number.isSafeInteger(n)) return { value: n, comment };
    return { value: BigInt(token), comment };
  }
  if (REAL.test(token)) return { value: Number(token.replace(/[Dd]/, 'E')), comment };
  // Complex values "(re, im)" are legal but rare: kept as their text.
  if (COMPLEX.test(token)) return { value: token, comment };
  // Other oddities stay as their text too; verify reports them.
  return { value: token, comment, problem: `unparseable value ${JSON.stringify(token)}` };
}

/** Formats one card image for writing: fixed-format values right-justified to column 30. */
export function formatCard(keyword: string, value: CardValue | undefined, comment = ''): string {
  const key = keyword.toUpperCase().padEnd(8, ' ');
  if (key.length > 8) throw new Error(`keyword ${keyword} longer than 8 characters`);
  if (keyword === 'COMMENT' || keyword === 'HISTORY' || keyword === '') {
    return (key + String(value ?? '')).slice(0, 80).padEnd(80, ' ');
  }
  let v: string;
  if (typeof value === 'string') {
    v = `'${value.replace(/'/g, "''").padEnd(8, ' ')}'`.padEnd(20, ' ');
  } else if (typeof value === 'boolean') {
    v = (value ? 'T' : 'F').padStart(20, ' ');
  } else if (typeof value === 'bigint') {
    v = value.toString().padStart(20, ' ');
  } else if (typeof value === 'number') {
    v = formatNumber(value).padStart(20, ' ');
  } else {
    v = ''.padStart(20, ' ');
  }
  let card = `${key}= ${v}`;
  if (comment) card += ` / ${comment}`;
  if (card.length > 80) {
    if (typeof value === 'string' && `${key}= ${v}`.length > 80) throw new Error(`value of ${keyword} too long for one card`);
    card = card.slice(0, 80);
  }
  return card.padEnd(80, ' ');
}

/**
 * Card images for a string too long for one card: the long-string convention (value ends in '&', continued in
 * CONTINUE cards). Short strings give one card.
 */
export function formatLongString(keyword: string, value: string, comment = ''): string[] {
  const escapedLength = (t: string) => t.replace(/'/g, "''").length;
  if (escapedLength(value) <= 68) return [formatCard(keyword, value, comment)];
  const pieces: string[] = [];
  let rest = value;
  // 67 escaped characters plus '&' fit between the quotes of a value (or CONTINUE) field.
  while (escapedLength(rest) > 68) {
    let take = 67;
    while (escapedLength(rest.slice(0, take)) > 67) take--;
    // Break after a space where one is near, as astropy does (astropy misreads some mid-word breaks next to quotes).
    const space = rest.lastIndexOf(' ', take - 1);
    if (space >= take / 2) take = space + 1;
    pieces.push(rest.slice(0, take) + '&');
    rest = rest.slice(take);
  }
  pieces.push(rest);
  // A comment that does not fit beside the last piece gets a CONTINUE card of its own.
  if (comment && 10 + escapedLength(rest) + 2 + 3 + comment.length > 80) {
    const last = pieces.pop()!;
    let take = last.length;
    while (escapedLength(last.slice(0, take)) > 67) take--;
    pieces.push(last.slice(0, take) + '&');
    if (take < last.length) pieces.push(last.slice(take) + '&');
    pieces.push('');
  }
  const quoted = (t: string) => `'${t.replace(/'/g, "''")}'`;
  return pieces.map((piece, i) => {
    const head = i === 0 ? `${keyword.toUpperCase().padEnd(8, ' ')}= ${quoted(piece)}` : `CONTINUE  ${quoted(piece)}`;
    const withComment = i === pieces.length - 1 && comment ? `${head} / ${comment}` : head;
    return withComment.slice(0, 80).padEnd(80, ' ');
  });
}

function formatNumber(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return x.toFixed(0);
  if (!Number.isFinite(x)) throw new Error(`cannot write ${x} as a FITS header value`);
  // Shortest round-trip form; FITS wants an exponent letter E and a decimal point in reals.
  let s = String(x).toUpperCase();
  if (!s.includes('.') && !s.includes('E')) s += '.0';
  if (s.includes('E') && !s.split('E')[0].includes('.')) s = s.replace('E', '.0E');
  return s;
}
