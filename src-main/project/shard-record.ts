// An item record as a sharded add's task wrote it (JSON in its shard file): checked field by field
// before the merge saves it, since a shard is a file like any other and may be damaged or made by hand.
import { z } from 'zod';
import type { ItemRecord } from '../dataset/index.ts';
import { ProjectError } from './errors.ts';

const num = z.number().finite();
const text = z.string().max(1 << 16);
const RECORD = z.object({
  path: z.string(),
  size: z.number().int().nonnegative(),
  mtimeMs: num,
  contentHash: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  hdu: z.number().int().min(0).max(100_000).nullable(),
  shape: z.array(z.number().int().positive()).max(999).nullable(),
  axisKinds: z.array(z.enum(['spatial', 'spectral', 'stokes', 'other'])).max(999).nullable(),
  bitpix: z.union([z.literal(8), z.literal(16), z.literal(32), z.literal(64), z.literal(-32), z.literal(-64)]).nullable(),
  status: z.enum(['ok', 'failed']),
  error: text.nullable(),
  metadata: z.object({
    object: text.nullable(), ra: num.nullable(), dec: num.nullable(), restfrq: num.nullable(), bunit: text.nullable(),
    bmaj: num.nullable(), bmin: num.nullable(), bpa: num.nullable(), telescope: text.nullable(), instrument: text.nullable(),
  }).strict(),
  header: z.record(z.string().max(80), z.union([text, num, z.boolean()])),
  issues: z.array(z.object({
    code: z.string().max(80), hdu: z.number().int().min(0), keyword: z.string().max(80).optional(), fixable: z.boolean(), message: text,
  }).strict()).max(10_000),
}).strict();

/** The record for `path` in `file`, with the merge's data folder; a ProjectError naming the shard and item otherwise. */
export function checkedItemRecord(file: string, path: string, json: unknown, datasetId: number): ItemRecord {
  const parsed = RECORD.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ProjectError('invalid-data', file, `item ${JSON.stringify(path)}: ${issue.path.join('.') || 'record'}: ${issue.message}`);
  }
  if (parsed.data.path !== path) throw new ProjectError('invalid-data', file, `item ${JSON.stringify(path)}: its record names ${JSON.stringify(parsed.data.path)}`);
  return { ...parsed.data, datasetId };
}
