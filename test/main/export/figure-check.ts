// Checks on written figures that need no external tool: the text a PDF draws (pdfkit writes it as
// hex strings in Flate-compressed content streams), the text elements of an SVG (parsed by Python's
// XML parser, which refuses malformed XML), and a PNG's pixel size.
import { spawnSync } from 'node:child_process';
import { inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';

export function pdfText(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes);
  const text = buf.toString('latin1');
  if (!text.startsWith('%PDF-1.')) throw new Error('not a PDF: no %PDF header');
  if (!/%%EOF\s*$/.test(text)) throw new Error('not a complete PDF: no %%EOF at the end');
  if (!/\bstartxref\s+\d+/.test(text)) throw new Error('PDF without a cross-reference offset');
  const runs: string[] = [];
  let at = 0;
  for (;;) {
    const s = text.indexOf('stream\n', at);
    if (s < 0) break;
    const e = text.indexOf('\nendstream', s);
    const dict = text.slice(text.lastIndexOf('<<', s), s);
    let body = buf.subarray(s + 7, e);
    if (/FlateDecode/.test(dict)) {
      try {
        body = inflateSync(body);
      } catch {
        at = e + 10;
        continue; // an image stream that is not text
      }
    }
    for (const m of body.toString('latin1').matchAll(/\[((?:<[0-9a-f]*>\s*-?[\d.]*\s*)+)\]\s*TJ/g)) {
      runs.push([...m[1]!.matchAll(/<([0-9a-f]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''));
    }
    at = e + 10;
  }
  return runs.join('\n');
}

export function svgTexts(svg: string): string[] {
  const r = spawnSync('/usr/bin/python3', ['-c', `
import sys, json, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
ns = '{http://www.w3.org/2000/svg}'
assert root.tag == ns + 'svg', root.tag
print(json.dumps([t.text or '' for t in root.iter(ns + 'text')]))
`], { input: svg, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`SVG does not parse: ${r.stderr}`);
  return JSON.parse(r.stdout) as string[];
}

export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const png = PNG.sync.read(Buffer.from(bytes));
  return { width: png.width, height: png.height };
}
