// Schema problems as lines a person can act on, worded the same wherever settings, arguments or
// specs are checked: `batch_size: Too small: expected number to be >=2`, `unknown key 'epochz'`,
// `augmentations[0].degree: ...`. Structural on zod's issue shape, so base imports no zod.

/** The parts of a zod issue the wording uses. */
export interface SchemaIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
}

/** `a.b[2].c` for the path [a, b, 2, c]; `prefix` goes in front (e.g. the list the issues are from). */
export function issuePath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out === '' ? '' : '.'}${String(part)}`;
  return out;
}

/**
 * One line per issue. `root` names the whole object for an issue without a path ('(settings)');
 * `prefix` goes before every path. Unknown keys are named, quoted, with where they were found.
 */
export function issueLines(issues: readonly SchemaIssue[], opts: { root?: string; prefix?: string } = {}): string[] {
  const { root = '(value)', prefix = '' } = opts;
  return issues.map((i) => {
    const where = issuePath(i.path, prefix);
    if (i.code === 'unrecognized_keys' && i.keys) {
      const keys = `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `'${k}'`).join(', ')}`;
      return where === '' ? keys : `${where}: ${keys}`;
    }
    return `${where === '' ? root : where}: ${i.message}`;
  });
}
