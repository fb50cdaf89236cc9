// A child process that feeds FITS files to everything that reads them, the way a user's files reach it: the
// reader (HduList.open, then every HDU read plane by plane and, when small, whole), `inspect` (api/inspect.ts),
// the scan's per-file inspection (dataset/inspect.ts), and at the end a real scan of the folder into a real
// project file. It prints one JSON line when it starts a file and one when it is done with it, so the parent
// can tell which file hung (and kill it) and which one raised the peak memory; the last line has the totals.
//
//   node test/support/fits-probe.ts [--scan DIR --project FILE --workers N] FILE...
//
// Every outcome is data: {ok} or {error: {name, code, message}}; deciding what is acceptable is the parent's.

import { inspectFile as inspectForApi } from '../../src-main/api/services/project/inspect.ts';
import { addFolders } from '../../src-main/dataset/scan.ts';
import { inspectFile as inspectForScan } from '../../src-main/dataset/inspect.ts';
import { HduList } from '../../src-main/fits/hdu-list.ts';
import { Project } from '../../src-main/project/project.ts';

/** Images up to this many pixels are also read whole (read() makes float64: 8 bytes a pixel). */
const WHOLE_READ_PIXELS = 2 ** 24;
/** Planes read per image: a cube claiming 10^6 planes is read at its first ones and its last. */
const PLANES_READ = 64;

export interface ProbeError {
  name: string;
  code: string | undefined;
  message: string;
}

export interface ProbeLine {
  file: string;
  phase: 'begin' | 'done';
  ms?: number;
  /** One outcome per reader, in order: reader, inspect, scan. */
  outcomes?: Array<{ reader: 'reader' | 'inspect' | 'scan'; error: ProbeError | null }>;
  maxRssKb: number;
}

export interface ProbeScan {
  scan: {
    summary?: { added: number; failed: number; failures: Array<{ path: string; error: string }> };
    items?: Array<{ path: string; status: string; error: string | null }>;
    error?: ProbeError;
  };
  maxRssKb: number;
}

function describe(e: unknown): ProbeError {
  const err = e as { name?: unknown; code?: unknown; message?: unknown };
  return {
    name: typeof err?.name === 'string' ? err.name : typeof e,
    code: typeof err?.code === 'string' ? err.code : undefined,
    message: typeof err?.message === 'string' ? err.message : String(e),
  };
}

function attempt(fn: () => void): ProbeError | null {
  try {
    fn();
    return null;
  } catch (e) {
    return describe(e);
  }
}

function readEverything(file: string): void {
  const list = HduList.open(file);
  try {
    void list.issues;
    for (let i = 0; i < list.length; i++) {
      const hdu = list.hdu(i);
      if (hdu.kind !== 'image' || !hdu.hasData) continue;
      void hdu.header.cards.length;
      const planes = hdu.nPlanes;
      const chosen = planes <= PLANES_READ ? Array.from({ length: planes }, (_, p) => p)
        : [...Array.from({ length: PLANES_READ / 2 }, (_, p) => p), ...Array.from({ length: PLANES_READ / 2 }, (_, p) => planes - 1 - p)];
      for (const p of chosen) hdu.readPlane(p);
      if (hdu.size <= WHOLE_READ_PIXELS) hdu.read();
    }
  } finally {
    list.close();
  }
}

const rss = (): number => process.resourceUsage().maxRSS;
const say = (line: ProbeLine | ProbeScan): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

async function main(args: string[]): Promise<void> {
  let scanDir: string | undefined;
  let projectFile: string | undefined;
  let workers = 0;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--scan') scanDir = args[++i];
    else if (args[i] === '--project') projectFile = args[++i];
    else if (args[i] === '--workers') workers = Number(args[++i]);
    else files.push(args[i]);
  }
  for (const file of files) {
    say({ file, phase: 'begin', maxRssKb: rss() });
    const started = performance.now();
    const outcomes: ProbeLine['outcomes'] = [
      { reader: 'reader', error: attempt(() => readEverything(file)) },
      { reader: 'inspect', error: attempt(() => void inspectForApi(file)) },
      { reader: 'scan', error: attempt(() => void inspectForScan(file)) },
    ];
    say({ file, phase: 'done', ms: performance.now() - started, outcomes, maxRssKb: rss() });
  }
  if (scanDir && projectFile) {
    const out: ProbeScan = { scan: {}, maxRssKb: 0 };
    try {
      const project = Project.create(projectFile);
      try {
        const s = await addFolders(project, [scanDir], { workers });
        out.scan.summary = { added: s.added, failed: s.failed, failures: s.failures };
        out.scan.items = project.items.list().map((i) => ({ path: i.absolutePath, status: i.status, error: i.error }));
      } finally {
        project.close();
      }
    } catch (e) {
      out.scan.error = describe(e);
    }
    out.maxRssKb = rss();
    say(out);
  }
}

await main(process.argv.slice(2));
