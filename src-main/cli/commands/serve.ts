// `astromorph serve PROJECT`: the desktop UI in a browser. Serves the built renderer and the API on
// 127.0.0.1 (a random port unless --port), guarded by a random token carried in the printed URL.
// Runs until Ctrl-C; a training run in progress is checkpointed before the project closes.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { portNumber } from '../explore-options.ts';
import { EventHub } from '../../api/contract/events.ts';

const BUILT_RENDERER = fileURLToPath(new URL('../../../out/renderer', import.meta.url));

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the desktop UI and its API over HTTP on 127.0.0.1, guarded by a token')
    .argument('<project>', 'project file')
    .option('--port <n>', 'port to listen on (default: a free one)', portNumber, 0)
    .option('--renderer <dir>', 'the built renderer to serve', BUILT_RENDERER)
    .addHelpText('after', '\nOpen the printed URL in a browser; it carries the token once.\n\nExamples:\n  astromorph serve survey.amproj\n  astromorph serve survey.amproj --port 8765')
    .action(async (projectArg: string, opts: { port: number; renderer: string }) => {
      const { createDispatch } = await import('../../api/transport/dispatch.ts');
      const { DesktopService } = await import('../../api/services/desktop-service.ts');
      const { startHttpServer } = await import('../../api/transport/http-server.ts');
      const events = new EventHub();
      const service = new DesktopService({ events, host: 'browser' });
      const summary = service.openPath(projectArg);
      const staticDir = existsSync(`${opts.renderer}/index.html`) ? opts.renderer : null;
      if (!staticDir) process.stderr.write(`astromorph: no built UI at ${opts.renderer} (run npx electron-vite build); serving the API only\n`);
      const server = await startHttpServer({ dispatch: createDispatch(service), events, staticDir, port: opts.port });
      process.stdout.write(`Serving ${summary.path}\n${server.url}\n`);
      await new Promise<void>((done) => {
        const stop = () => done();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      await service.close();
    });
}
