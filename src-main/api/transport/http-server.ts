// The HTTP transport: the built renderer and the API on 127.0.0.1 only. Every request needs the
// session's random token (header, or the cookie set when the printed URL is first opened); the Host
// header must name this server (no DNS rebinding), POST bodies are capped, and static paths are
// confined to the renderer folder. POST /api/<method> with a JSON body; GET /api/events is a
// server-sent-event stream of the EventHub; an aborted request aborts the call's signal.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { toFailure } from './dispatch.ts';
import type { Dispatch } from './dispatch.ts';
import type { EventHub } from '../contract/events.ts';
import { encodeResult } from '../contract/http-wire.ts';
import { isMethodName } from '../contract/methods.ts';

export const TOKEN_HEADER = 'x-astromorph-token';
const COOKIE = 'astromorph_token';
/** Larger bodies get 413: the biggest legitimate request is a tag or export over 200,000 ids. */
export const MAX_BODY_BYTES = 4 << 20;

const CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.woff2': 'font/woff2', '.ico': 'image/x-icon',
  '.wasm': 'application/wasm', '.map': 'application/json',
};

const STATUS_OF_CODE: Record<string, number> = {
  'bad-argument': 400, 'not-a-folder': 400, 'no-project': 409, 'project-exists': 409, 'run-busy': 409, 'no-data': 409, 'read-only': 409,
  'no-run': 404, cancelled: 499,
};

export interface HttpServerOptions {
  dispatch: Dispatch;
  events: EventHub;
  /** The built renderer (out/renderer); null serves the API alone. */
  staticDir: string | null;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default: 32 random bytes, hex. */
  token?: string;
}

export interface RunningHttpServer {
  /** Open this to use the app: it carries the token once, then a cookie does. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const token = options.token ?? randomBytes(32).toString('hex');
  const tokenBytes = Buffer.from(token);
  const staticDir = options.staticDir ? resolve(options.staticDir) : null;
  const streams = new Set<ServerResponse>();
  let port = 0;

  const authorised = (req: IncomingMessage, url: URL): boolean => {
    const candidates = [req.headers[TOKEN_HEADER], cookie(req, COOKIE), url.searchParams.get('token')];
    return candidates.some((c) => {
      if (typeof c !== 'string') return false;
      const b = Buffer.from(c);
      return b.length === tokenBytes.length && timingSafeEqual(b, tokenBytes);
    });
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: toFailure(e) });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      sendJson(res, 421, { error: { name: 'HttpError', code: 'bad-host', message: 'this server answers only on 127.0.0.1' } });
      return;
    }
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (!authorised(req, url)) {
      req.resume();
      sendJson(res, 401, { error: { name: 'HttpError', code: 'unauthorised', message: 'missing or wrong token: open the URL astromorph serve printed' } });
      return;
    }
    if (url.searchParams.has('token') && req.method === 'GET') {
      // Trade the URL's token for a cookie once, so it leaves the address bar and the history.
      res.setHeader('Set-Cookie', `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      url.searchParams.delete('token');
      res.writeHead(303, { Location: url.pathname + url.search }).end();
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://${host}`) {
        req.resume();
        sendJson(res, 403, { error: { name: 'HttpError', code: 'bad-origin', message: `requests from ${origin} are refused` } });
        return;
      }
      if (url.pathname === '/api/events' && req.method === 'GET') return openEventStream(req, res);
      if (req.method !== 'POST') {
        req.resume();
        sendJson(res, 405, { error: { name: 'HttpError', code: 'method', message: 'API calls are POST /api/<method>' } });
        return;
      }
      const method = url.pathname.slice('/api/'.length);
      if (!isMethodName(method)) {
        req.resume();
        sendJson(res, 404, { error: { name: 'HttpError', code: 'no-method', message: `no API method '${method.slice(0, 80)}'` } });
        return;
      }
      return callApi(req, res, method);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      req.resume();
      sendJson(res, 405, { error: { name: 'HttpError', code: 'method', message: 'only GET serves files' } });
      return;
    }
    return serveStatic(res, url.pathname);
  }

  async function callApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    let body: unknown;
    try {
      body = await readJsonBody(req);
    } catch (e) {
      const tooBig = (e as { tooBig?: boolean }).tooBig === true;
      if (tooBig) {
        // Answer an oversized upload once the client has sent it (read and thrown away, up to a
        // bound): a socket closed while the client still writes resets, and the client sees
        // ECONNRESET instead of the 413. Past the bound the connection is closed after the answer.
        const drained = await discardBody(req, 4 * MAX_BODY_BYTES, 5000);
        res.setHeader('Connection', 'close');
        if (!drained) res.on('finish', () => req.destroy());
      }
      sendJson(res, tooBig ? 413 : 400, { error: { name: 'HttpError', code: tooBig ? 'too-large' : 'bad-argument', message: (e as Error).message } });
      return;
    }
    const controller = new AbortController();
    // The client gave up (navigated away, pressed Cancel): stop the work.
    res.on('close', () => { if (!res.writableFinished) controller.abort(); });
    try {
      const result = await options.dispatch(method, body, controller.signal);
      if (controller.signal.aborted) return;
      const { body: out, contentType } = encodeResult(result);
      res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': out.byteLength }).end(out);
    } catch (e) {
      if (res.writableEnded || res.destroyed) return;
      const failure = toFailure(e);
      sendJson(res, STATUS_OF_CODE[failure.code] ?? 500, { error: failure });
    }
  }

  function openEventStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    streams.add(res);
    const stop = options.events.listen((event, payload) => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(keepAlive);
      stop();
      streams.delete(res);
    });
  }

  async function serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    if (!staticDir) {
      sendJson(res, 404, { error: { name: 'HttpError', code: 'not-found', message: 'no renderer is served (build it with npx electron-vite build)' } });
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      sendJson(res, 400, { error: { name: 'HttpError', code: 'bad-path', message: 'malformed path' } });
      return;
    }
    if (rel.includes('\0') || rel.split(/[\\/]/).includes('..')) {
      sendJson(res, 400, { error: { name: 'HttpError', code: 'bad-path', message: 'path outside the app' } });
      return;
    }
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = resolve(join(staticDir, rel));
    if (!file.startsWith(staticDir + sep)) {
      sendJson(res, 400, { error: { name: 'HttpError', code: 'bad-path', message: 'path outside the app' } });
      return;
    }
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      const bytes = await readFile(file);
      const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
      const headers: Record<string, string | number> = { 'Content-Type': type, 'Content-Length': bytes.byteLength };
      if (type.startsWith('text/html')) headers['Content-Security-Policy'] = CSP;
      // Hashed asset names never change content; let the browser keep them.
      if (rel.startsWith('/assets/')) headers['Cache-Control'] = 'max-age=31536000, immutable';
      res.writeHead(200, headers).end(bytes);
    } catch {
      sendJson(res, 404, { error: { name: 'HttpError', code: 'not-found', message: `no file ${rel}` } });
    }
  }

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => done());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: () => new Promise<void>((done) => {
      for (const s of streams) s.end();
      server.close(() => done());
      server.closeAllConnections();
    }),
  };
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** Reads and discards the rest of a request body; false when it went past `bytes` or `ms`. */
function discardBody(req: IncomingMessage, bytes: number, ms: number): Promise<boolean> {
  return new Promise((done) => {
    if (req.readableEnded) return done(true);
    let seen = 0;
    const finish = (ok: boolean) => { clearTimeout(timer); req.removeListener('data', onData); req.removeListener('end', onEnd); done(ok); };
    const onData = (c: Buffer) => { seen += c.length; if (seen > bytes) finish(false); };
    const onEnd = () => finish(true);
    const timer = setTimeout(() => finish(false), ms);
    req.on('data', onData);
    req.on('end', onEnd);
    req.resume();
  });
}

function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((done, fail) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      fail(Object.assign(new Error(`request body over ${MAX_BODY_BYTES} bytes`), { tooBig: true }));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        fail(Object.assign(new Error(`request body over ${MAX_BODY_BYTES} bytes`), { tooBig: true }));
        req.pause();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return done({});
      try {
        done(JSON.parse(text));
      } catch {
        fail(new Error('request body is not valid JSON'));
      }
    });
    req.on('error', fail);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
}
