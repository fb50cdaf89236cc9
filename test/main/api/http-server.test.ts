// The HTTP transport against the real service on a real project: token, Host and Origin checks, body
// limits, static confinement, argument validation, the binary result envelope, events, cancellation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDispatch } from '../../../src-main/api/transport/dispatch.ts';
import { DesktopService } from '../../../src-main/api/services/desktop-service.ts';
import { EventHub } from '../../../src-main/api/contract/index.ts';
import { MAX_BODY_BYTES, startHttpServer } from '../../../src-main/api/transport/http-server.ts';
import type { RunningHttpServer } from '../../../src-main/api/transport/http-server.ts';
import { decodeWire } from '../../../src-renderer/api/http-wire.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
let server: RunningHttpServer;
let service: DesktopService;
let events: EventHub;
let staticDir: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'astromorph-http-'));
  cpSync(join(ROOT, 'resources/sample-data/disks'), join(dir, 'disks'), { recursive: true });
  cpSync(join(ROOT, 'resources/sample-data/cube'), join(dir, 'cube'), { recursive: true });
  staticDir = join(dir, 'renderer');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'TOP-SECRET-CONTENT');
  events = new EventHub();
  service = new DesktopService({ events, host: 'browser' });
  service.createPath(join(dir, 'survey'));
  await service.addFolders({ folders: [join(dir, 'disks'), join(dir, 'cube')] }, { signal: new AbortController().signal });
  server = await startHttpServer({ dispatch: createDispatch(service), events, staticDir });
});

afterAll(async () => {
  await server?.close();
  await service?.close();
});

interface Raw { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }

/** A raw request, so headers (Host, Origin, Cookie) are exactly what the test says. */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Raw> {
  return new Promise((done, fail) => {
    // agent: false: a fresh connection each time, so no request races the server closing an idle kept-alive socket.
    const req = request({ agent: false, host: '127.0.0.1', port: server.port, method, path, headers: { Host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const auth = () => ({ 'x-astromorph-token': server.token, 'Content-Type': 'application/json' });

async function call(method: string, args: unknown): Promise<{ status: number; value: unknown; error?: { code: string; message: string } }> {
  const r = await raw('POST', `/api/${method}`, auth(), JSON.stringify(args));
  if (r.headers['content-type'] === 'application/x-astromorph-wire') {
    const ab = r.body.buffer.slice(r.body.byteOffset, r.body.byteOffset + r.body.byteLength) as ArrayBuffer;
    return { status: r.status, value: decodeWire(ab) };
  }
  const json = JSON.parse(r.body.toString()) as { value?: unknown; error?: { code: string; message: string } };
  return { status: r.status, value: json.value, error: json.error };
}

describe('HTTP transport', () => {
  it('listens on 127.0.0.1 only, with a 64-hex-digit token in the URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  });

  it('answers 401 without the token or with a wrong one, for the API and for files', async () => {
    expect((await raw('POST', '/api/project', {}, '{}')).status).toBe(401);
    expect((await raw('POST', '/api/project', { 'x-astromorph-token': 'f'.repeat(64) }, '{}')).status).toBe(401);
    expect((await raw('GET', '/')).status).toBe(401);
    expect((await raw('GET', '/api/events')).status).toBe(401);
  });

  it('trades the URL token for an HttpOnly SameSite=Strict cookie that then authorises', async () => {
    const r = await raw('GET', `/?token=${server.token}`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/');
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await raw('GET', '/', { Cookie: cookie.split(';')[0] });
    expect(page.status).toBe(200);
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'");
  });

  it('refuses a foreign Host header (DNS rebinding) and a foreign Origin', async () => {
    expect((await raw('POST', '/api/project', { ...auth(), Host: 'evil.example:80' }, '{}')).status).toBe(421);
    expect((await raw('POST', '/api/project', { ...auth(), Origin: 'http://evil.example' }, '{}')).status).toBe(403);
  });

  it('never serves a file outside the renderer folder', async () => {
    const h = { 'x-astromorph-token': server.token };
    expect((await raw('GET', '/assets/app.js', h)).status).toBe(200);
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e%5csecret.txt', '/a%00.js']) {
      const r = await raw('GET', p, h);
      expect([400, 404], p).toContain(r.status);
      expect(r.body.toString()).not.toContain('TOP-SECRET');
    }
  });

  it('answers 413 to a body over the limit', async () => {
    const big = JSON.stringify({ ids: Array.from({ length: MAX_BODY_BYTES / 4 }, () => 1234567) });
    expect((await raw('POST', '/api/thumbnails', auth(), big)).status).toBe(413);
  });

  it('validates arguments against the method table and names the problem', async () => {
    const bad = await call('imageInfo', { id: 'one' });
    expect(bad.status).toBe(400);
    expect(bad.error!.message).toMatch(/^imageInfo: id:/);
    const extra = await call('project', { surprise: 1 });
    expect(extra.status).toBe(400);
    expect(extra.error!.message).toContain('surprise');
    const unknown = await call('dropTables', {});
    expect(unknown.status).toBe(404);
    expect((await raw('POST', '/api/project', auth(), '{not json')).status).toBe(400);
    expect((await raw('GET', '/api/project', auth())).status).toBe(405);
  });

  it('tagging ids that name no item is a 400 naming a few of them and how many, and tags nothing', async () => {
    const page = (await call('queryItems', { limit: 2 })).value as { items: { id: number }[] };
    const real = page.items.map((i) => i.id);
    const unknown = Array.from({ length: 199_998 }, (_, i) => 1_000_000 + i);
    const r = await call('tagItems', { ids: [...real, ...unknown], tag: 'merger' });
    expect(r.status, JSON.stringify(r.error)).toBe(400);
    expect(r.error!.code).toBe('bad-argument');
    expect(r.error!.message).toMatch(/^199998 of the 200000 ids name no item of survey\.amproj: 1000000, 1000001, 1000002, 1000003, 1000004 and 199993 more; nothing was tagged$/);
    // nothing half-done: the real items did not get the tag either
    expect((await call('queryItems', { tag: 'merger' })).value).toMatchObject({ total: 0 });
    const untag = await call('tagItems', { ids: [1_500_000], tag: 'merger', remove: true });
    expect(untag.status).toBe(400);
    expect(untag.error!.message).toMatch(/^1 of the 1 ids names no item of survey\.amproj: 1500000; nothing was untagged$/);
    expect((await call('tagItems', { ids: real, tag: 'merger' })).status).toBe(200);
    expect((await call('queryItems', { tag: 'merger' })).value).toMatchObject({ total: 2 });
  });

  it('pages items sorted and filtered', async () => {
    const r = (await call('queryItems', { search: 'ring', sort: 'path', descending: true, limit: 5 })).value as { total: number; items: { path: string }[] };
    // 10 ring + 10 multi-ring among the 60 disks.
    expect(r.total).toBe(20);
    expect(r.items).toHaveLength(5);
    const paths = r.items.map((i) => i.path);
    expect([...paths].sort().reverse()).toEqual(paths);
  });

  it('sends a cube plane as float32 bytes in the binary envelope, matching the FITS file', async () => {
    const page = (await call('queryItems', { search: 'cube' })).value as { items: { id: number }[] };
    const id = page.items[0].id;
    const info = (await call('imageInfo', { id })).value as { shape: number[]; planes: number; planeLabels: string[]; wcs: unknown };
    expect(info.shape).toEqual([48, 48, 16]);
    expect(info.planeLabels).toHaveLength(16);
    expect(info.wcs).not.toBeNull();
    const plane = (await call('imagePlane', { id, plane: 7 })).value as { width: number; height: number; pixels: Float32Array };
    expect(plane.pixels).toBeInstanceOf(Float32Array);
    expect(plane.pixels.length).toBe(48 * 48);
    const { HduList } = await import('../../../src-main/fits/index.ts');
    const list = HduList.open(join(ROOT, 'resources/sample-data/cube/spiral_co21_cube.fits'));
    const expected = list.primaryImage().readPlane(7);
    list.close();
    expect(Array.from(plane.pixels)).toEqual(Array.from(expected));
    const small = (await call('imagePlane', { id, plane: 7, maxSide: 16 })).value as { width: number; step: number };
    expect(small).toMatchObject({ width: 16, step: 3 });
  });

  it('streams events as server-sent events', async () => {
    const received = await new Promise<string>((done, fail) => {
      const req = request({ agent: false, host: '127.0.0.1', port: server.port, path: '/api/events', headers: { Host: `127.0.0.1:${server.port}`, 'x-astromorph-token': server.token } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
          if (text.includes(': connected')) events.emit('menuCommand', { command: 'show-map' });
          if (text.includes('event: menuCommand')) {
            req.destroy();
            done(text);
          }
        });
      });
      req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : fail(e)));
      req.end();
    });
    expect(received).toContain('event: menuCommand\ndata: {"command":"show-map"}');
  });
});
