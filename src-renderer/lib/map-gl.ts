// The embedding map's points on the GPU: positions and colours are uploaded once per map (or colouring,
// or selection) as vertex buffers, and a zoom or pan frame only sets a few uniforms, so a million points
// redraw without touching the data on the CPU. `MapPoints.create` returns null where neither WebGL 2 nor
// WebGL is available; the map then draws on its 2-D canvas as before.
import type { ViewTransform } from './map-view.ts';

const VERTEX = `
attribute vec2 a_pos;
attribute vec4 a_colour;
attribute float a_sel;
uniform vec2 u_centre;
uniform vec2 u_scale;
uniform mediump float u_size; // shared with the fragment shader: the precisions must match
varying vec4 v_colour;
varying float v_sel;
void main() {
  // Relative to the data point at the canvas centre: the subtraction keeps float32 precision when zoomed far in.
  gl_Position = vec4((a_pos - u_centre) * u_scale, a_sel > 0.5 ? 0.0 : 0.5, 1.0);
  gl_PointSize = u_size;
  v_colour = a_colour;
  v_sel = a_sel;
}`;

const FRAGMENT = `
precision mediump float;
varying vec4 v_colour;
varying float v_sel;
uniform float u_size;
uniform float u_rim;
uniform vec4 u_rimColour;
void main() {
  vec4 fill = v_sel > 0.5 ? vec4(1.0) : v_colour;
  if (u_rim > 0.0) {
    // A disc with a light rim (a dark one when selected), as the 2-D path stamps them.
    float d = length(gl_PointCoord - 0.5) * u_size;
    if (d > u_size * 0.5) discard;
    gl_FragColor = d > u_size * 0.5 - u_rim ? (v_sel > 0.5 ? vec4(0.0, 0.0, 0.0, 1.0) : u_rimColour) : fill;
  } else {
    gl_FragColor = fill;
  }
}`;

export interface PointStyle {
  /** Device pixels per side of a point (disc diameter, rim included, or square side). */
  size: number;
  /** Rim width in device pixels; 0 draws plain squares (dense maps). */
  rim: number;
}

export class MapPoints {
  readonly kind: 'webgl2' | 'webgl';
  /**
   * A software rasteriser (SwiftShader, llvmpipe): it draws points on the CPU, slower than the map's own
   * 2-D path for dense maps (measured: about 70 ms per 1e5 points on SwiftShader), so the map uses it
   * only for sparse ones. Unknown (the renderer's name hidden) counts as hardware.
   */
  readonly software: boolean;
  readonly #gl: WebGLRenderingContext;
  readonly #program: WebGLProgram;
  readonly #buffers: { pos: WebGLBuffer; colour: WebGLBuffer; sel: WebGLBuffer };
  readonly #loc: { pos: number; colour: number; sel: number };
  readonly #uniform: Record<'centre' | 'scale' | 'size' | 'rim' | 'rimColour', WebGLUniformLocation | null>;
  #coords: Float32Array | null = null;
  #colours: Uint32Array | null = null;
  #selected: Uint8Array | null | undefined = undefined;
  #count = 0;

  static create(canvas: HTMLCanvasElement): MapPoints | null {
    // preserveDrawingBuffer: the tests (and a screenshot) read the pixels back after the frame.
    const attrs: WebGLContextAttributes = { antialias: false, alpha: false, depth: true, preserveDrawingBuffer: true };
    const gl2 = canvas.getContext('webgl2', attrs);
    if (gl2) return MapPoints.#tryBuild(gl2, 'webgl2');
    const gl = canvas.getContext('webgl', attrs);
    return gl ? MapPoints.#tryBuild(gl, 'webgl') : null;
  }

  static #tryBuild(gl: WebGLRenderingContext, kind: 'webgl2' | 'webgl'): MapPoints | null {
    try {
      return new MapPoints(gl, kind);
    } catch {
      return null;
    }
  }

  private constructor(gl: WebGLRenderingContext, kind: 'webgl2' | 'webgl') {
    this.#gl = gl;
    this.kind = kind;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
    this.software = /swiftshader|llvmpipe|softpipe|software/i.test(name);
    const program = gl.createProgram()!;
    for (const [type, source] of [[gl.VERTEX_SHADER, VERTEX], [gl.FRAGMENT_SHADER, FRAGMENT]] as const) {
      const shader = gl.createShader(type)!;
      gl.shaderSource(shader, source);
      gl.compileShader(shader);
      if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`map shader: ${gl.getShaderInfoLog(shader)}`);
      gl.attachShader(program, shader);
    }
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`map shader: ${gl.getProgramInfoLog(program)}`);
    this.#program = program;
    this.#buffers = { pos: gl.createBuffer()!, colour: gl.createBuffer()!, sel: gl.createBuffer()! };
    this.#loc = {
      pos: gl.getAttribLocation(program, 'a_pos'),
      colour: gl.getAttribLocation(program, 'a_colour'),
      sel: gl.getAttribLocation(program, 'a_sel'),
    };
    this.#uniform = {
      centre: gl.getUniformLocation(program, 'u_centre'),
      scale: gl.getUniformLocation(program, 'u_scale'),
      size: gl.getUniformLocation(program, 'u_size'),
      rim: gl.getUniformLocation(program, 'u_rim'),
      rimColour: gl.getUniformLocation(program, 'u_rimColour'),
    };
  }

  /** Uploads what changed since the last call (compared by identity: the map replaces its arrays wholesale). */
  setData(coords: Float32Array, colours: Uint32Array, selected: Uint8Array | null): void {
    const gl = this.#gl;
    if (coords !== this.#coords) {
      gl.bindBuffer(gl.ARRAY_BUFFER, this.#buffers.pos);
      gl.bufferData(gl.ARRAY_BUFFER, coords, gl.STATIC_DRAW);
      this.#coords = coords;
      this.#count = coords.length / 2;
    }
    if (colours !== this.#colours) {
      gl.bindBuffer(gl.ARRAY_BUFFER, this.#buffers.colour);
      // ABGR words are R, G, B, A bytes in memory (little-endian), which is what UNSIGNED_BYTE x 4 reads.
      gl.bufferData(gl.ARRAY_BUFFER, new Uint8Array(colours.buffer, colours.byteOffset, colours.byteLength), gl.STATIC_DRAW);
      this.#colours = colours;
    }
    if (selected !== this.#selected) {
      if (selected) {
        gl.bindBuffer(gl.ARRAY_BUFFER, this.#buffers.sel);
        gl.bufferData(gl.ARRAY_BUFFER, selected, gl.STATIC_DRAW);
      }
      this.#selected = selected;
    }
  }

  /** One frame: w x h device pixels, background `clear` (r, g, b in 0-1), points by the view transform. */
  draw(w: number, h: number, t: ViewTransform, dpr: number, style: PointStyle, clear: [number, number, number], rimColour: [number, number, number]): void {
    const gl = this.#gl;
    gl.viewport(0, 0, w, h);
    gl.clearColor(clear[0], clear[1], clear[2], 1);
    gl.clearDepth(1);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    const n = Math.min(this.#count, this.#colours ? this.#colours.length : 0);
    if (n === 0) return;
    gl.useProgram(this.#program);
    // Selected points in front (smaller depth); among equals the later one wins, as in the 2-D path.
    gl.enable(gl.DEPTH_TEST);
    gl.depthFunc(gl.LEQUAL);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.#buffers.pos);
    gl.enableVertexAttribArray(this.#loc.pos);
    gl.vertexAttribPointer(this.#loc.pos, 2, gl.FLOAT, false, 0, 0);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.#buffers.colour);
    gl.enableVertexAttribArray(this.#loc.colour);
    gl.vertexAttribPointer(this.#loc.colour, 4, gl.UNSIGNED_BYTE, true, 0, 0);
    if (this.#selected && this.#selected.length >= n) {
      gl.bindBuffer(gl.ARRAY_BUFFER, this.#buffers.sel);
      gl.enableVertexAttribArray(this.#loc.sel);
      gl.vertexAttribPointer(this.#loc.sel, 1, gl.UNSIGNED_BYTE, false, 0, 0);
    } else {
      gl.disableVertexAttribArray(this.#loc.sel);
      gl.vertexAttrib1f(this.#loc.sel, 0);
    }
    // The data point at the canvas centre, in double precision here; see the vertex shader.
    const cx = (w / 2 / dpr - t.tx) / t.scale;
    const cy = (t.ty - h / 2 / dpr) / t.scale;
    gl.uniform2f(this.#uniform.centre, cx, cy);
    gl.uniform2f(this.#uniform.scale, (2 * t.scale * dpr) / w, (2 * t.scale * dpr) / h);
    gl.uniform1f(this.#uniform.size, style.size);
    gl.uniform1f(this.#uniform.rim, style.rim);
    gl.uniform4f(this.#uniform.rimColour, rimColour[0], rimColour[1], rimColour[2], 1);
    gl.drawArrays(gl.POINTS, 0, n);
  }
}
