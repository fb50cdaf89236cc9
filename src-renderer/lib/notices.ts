// Failures as sentences a person can act on. Most messages from the services already are; the edge's
// argument check speaks zod ("similar: k: Invalid input: expected number, received null"), which this
// rewords ("The number of neighbours (k) is empty: enter a number."). Pure, tested in Node.

/** What the argument names mean, for the ones a form in the app fills in. */
const FIELD_NAMES: Record<string, string> = {
  k: 'the number of neighbours (k)',
  runId: 'the embedding run',
  id: 'the item',
  ids: 'the items',
  plane: 'the channel',
  maxSide: 'the image size',
  perplexity: 'the perplexity',
  neighbors: 'the number of neighbours',
  neighbours: 'the number of neighbours',
  minDist: 'min_dist',
  minClusterSize: 'the smallest cluster size',
  method: 'the map method',
  tag: 'the tag',
  folders: 'the folders',
  epochs: 'the number of epochs',
};

// zod's own phrases only, so a service's sentence that happens to say 'expected' is left alone.
const ZOD_PHRASE = /Invalid input: expected \w+, received \w+|Too small: expected|Too big: expected|Invalid option: expected one of|Unrecognized key/;

function fieldName(path: string): string {
  const last = path.split('.').at(-1)!.replace(/\[\d+\]$/, '');
  return FIELD_NAMES[last] ?? `“${path}”`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** One zod issue line ("path: message") in words. */
function issueInWords(line: string): string {
  const m = /^(.+?): (.*)$/.exec(line);
  if (!m) return line;
  const [, path, message] = m;
  const field = path === '(arguments)' ? 'the request' : fieldName(path);
  let r: RegExpExecArray | null;
  if ((r = /expected (\w+), received (undefined|null|NaN)/.exec(message))) return `${capitalise(field)} is empty: enter ${article(r[1])}.`;
  if ((r = /expected (\w+), received (\w+)/.exec(message))) return `${capitalise(field)} must be ${article(r[1])}, not ${article(r[2])}.`;
  if ((r = /Too small: expected \w+ to be >=?\s*(-?[\d.e+]+)/.exec(message))) return `${capitalise(field)} must be at least ${r[1]}.`;
  if ((r = /Too big: expected \w+ to be <=?\s*(-?[\d.e+]+)/.exec(message))) return `${capitalise(field)} must be at most ${r[1]}.`;
  if ((r = /expected (int|integer)/i.exec(message))) return `${capitalise(field)} must be a whole number.`;
  if ((r = /Invalid option: expected one of (.+)$/.exec(message))) return `${capitalise(field)} must be one of ${r[1].replace(/"/g, '').replace(/\|/g, ', ')}.`;
  return `${capitalise(field)}: ${message}.`;
}

function article(type: string): string {
  const t = type === 'int' ? 'whole number' : type;
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

/**
 * The message to show: the argument check's zod wording turned into sentences ("method: path:
 * message; path: message"), anything else as it came.
 */
export function inWords(message: string): string {
  const m = /^([a-zA-Z]+): (.+)$/s.exec(message);
  if (!m || !ZOD_PHRASE.test(m[2])) return message;
  return m[2].split('; ').map(issueInWords).join(' ');
}
