// The browser's sort choices: the same keys the queryItems schema accepts (desktop-contract's SORT_KEYS,
// restated because the renderer takes only types from src-main/api).
import type { SortKey } from '../../src-main/api/contract/index.ts';

export const SORT_KEYS: readonly SortKey[] = ['path', 'object', 'status', 'size', 'ra', 'dec', 'restfrq', 'bunit', 'telescope', 'planes'];
