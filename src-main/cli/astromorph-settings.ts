// astromorph's (Python) settings file as `astromorph import-settings` and `train --astromorph-settings`
// print it: each of its keys, the setting it became here, or why it has none.
import type { AstromorphKey } from '../api/contract/index.ts';
import { formatTable } from './table.ts';

export function astromorphKeysTable(keys: readonly AstromorphKey[]): string {
  if (keys.length === 0) return '(the file sets no keys: our defaults apply)';
  return formatTable([{ title: 'ASTROMORPH' }, { title: 'VALUE' }, { title: 'OURS' }, { title: 'NOTE' }],
    keys.map((k) => [k.key, k.value.length > 40 ? `${k.value.slice(0, 39)}…` : k.value, k.ours ?? '(none)', k.note]));
}
