// Child-process entry (child-node.ts): reports, as one JSON line, the WebGPU adapter Dawn offers
// here (argument 'forced': a software adapter counts too), for a parent that cannot load Dawn.
import { webGpuAdapter } from './dawn.ts';

const probe = await webGpuAdapter(process.argv[2] === 'forced');
process.stdout.write(JSON.stringify(probe.ok ? { ok: true, summary: probe.state.summary } : probe) + '\n');
// Dawn's instance would keep the process alive.
process.exit(0);
