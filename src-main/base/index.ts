// Plain pieces every capability may use: no I/O, no Node, nothing of ours imported.
export { spreadOf, symmetricEigenvalues, type Spread } from './effective-rank.ts';
