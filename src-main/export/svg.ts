// A scene as SVG 1.1: sizes in inches on the root, points in the viewBox, text as <text> elements
// (selectable, editable in Inkscape/Illustrator), images as embedded PNG data URIs.
import { FONT_FAMILY, tracePolyline, type Primitive, type Scene } from './figure-scene.ts';

/** `pixels` sets the root size in pixels instead of inches (for rasterising at an exact size). */
export function renderSvg(scene: Scene, pixels?: { width: number; height: number }): string {
  const size = pixels ? `width="${pixels.width}" height="${pixels.height}"` : `width="${num(scene.width / 72)}in" height="${num(scene.height / 72)}in"`;
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" `
      + `${size} viewBox="0 0 ${num(scene.width)} ${num(scene.height)}" preserveAspectRatio="none">\n`,
    `<title>${esc(scene.title)}</title>\n`,
    `<rect x="0" y="0" width="${num(scene.width)}" height="${num(scene.height)}" fill="${scene.background}"/>\n`,
    `<g font-family="${esc(FONT_FAMILY)}">\n`,
  ];
  for (const p of scene.items) out.push(primitive(p), '\n');
  out.push('</g>\n</svg>\n');
  return out.join('');
}

function primitive(p: Primitive): string {
  switch (p.kind) {
    case 'text': {
      const anchor = p.anchor && p.anchor !== 'start' ? ` text-anchor="${p.anchor}"` : '';
      const weight = p.bold ? ' font-weight="bold"' : '';
      const rotate = p.rotate ? ` transform="rotate(${num(p.rotate)} ${num(p.x)} ${num(p.y)})"` : '';
      return `<text x="${num(p.x)}" y="${num(p.y)}" font-size="${num(p.size)}" fill="${p.color ?? '#000000'}"${anchor}${weight}${rotate}>${esc(p.text)}</text>`;
    }
    case 'line':
      return `<line x1="${num(p.x1)}" y1="${num(p.y1)}" x2="${num(p.x2)}" y2="${num(p.y2)}" stroke="${p.stroke}" stroke-width="${num(p.width)}"`
        + `${p.dash ? ` stroke-dasharray="${p.dash.map(num).join(' ')}"` : ''} stroke-linecap="butt"/>`;
    case 'polyline': {
      const d: string[] = [];
      tracePolyline(p.points, (move, x, y) => d.push(`${move}${num(x)} ${num(y)}`));
      return `<path d="${d.join(' ')}" fill="none" stroke="${p.stroke}" stroke-width="${num(p.width)}" stroke-linejoin="round"/>`;
    }
    case 'rect':
      return `<rect x="${num(p.x)}" y="${num(p.y)}" width="${num(p.width)}" height="${num(p.height)}" fill="${p.fill ?? 'none'}"`
        + `${p.stroke ? ` stroke="${p.stroke}" stroke-width="${num(p.strokeWidth ?? 0.5)}"` : ''}/>`;
    case 'circle':
      return `<circle cx="${num(p.cx)}" cy="${num(p.cy)}" r="${num(p.r)}" fill="${p.fill}"`
        + `${p.stroke ? ` stroke="${p.stroke}" stroke-width="${num(p.strokeWidth ?? 0.5)}"` : ''}/>`;
    case 'image':
      return `<image x="${num(p.x)}" y="${num(p.y)}" width="${num(p.width)}" height="${num(p.height)}" preserveAspectRatio="none"`
        + `${p.pixelated ? ' image-rendering="optimizeSpeed" style="image-rendering:pixelated"' : ''} `
        + `xlink:href="data:image/png;base64,${Buffer.from(p.png).toString('base64')}"/>`;
  }
}

function num(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}

function esc(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
