// Embedding speed on one core: the default encoder (small-cnn, width 32, depth 5, azimuthal pooling on
// 48x48 polar input) on tfjs-wasm against the same weights exported to ONNX and run by onnxruntime-node
// on one thread; images/s at one batch size and the largest difference between their vectors.
//
//   node bench/onnx-embed.ts [--batch 64] [--batches 8] [--encoder small-cnn|resnet18]
//     [--width W --depth D --size S --coordinates cartesian]   (bench/scale.ts's tiny one: 4, 2, 16)
//
// Weights are the seed's initial ones (speed and agreement do not depend on training; the test
// test/main/model/onnx.test.ts checks agreement on a trained checkpoint).
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../src-main/model/backend.ts';
import { parseSettings } from '../src-main/model/settings.ts';
import { buildEncoder } from '../src-main/model/encoders.ts';
import { encoderToOnnx, OnnxEncoder } from '../src-main/model/onnx/index.ts';
import { Rng } from '../src-main/base/random.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const batch = Number(opt('batch', '64')), batches = Number(opt('batches', '8'));
const encoderKind = opt('encoder', 'small-cnn') as 'small-cnn' | 'resnet18';

const shape = (['width', 'depth', 'size'] as const).flatMap((k) => (args.includes(`--${k}`) ? [[k === 'size' ? 'image_size' : k, Number(opt(k, ''))]] : []));
const settings = parseSettings({
  encoder: encoderKind, coordinates: opt('coordinates', 'polar'), seed: 3,
  ...(encoderKind === 'resnet18' ? { width: 32, depth: 3 } : {}), ...Object.fromEntries(shape),
});
const { image_size: s, channels: c } = settings;
await selectBackend('wasm');
const encoder = buildEncoder({ ...settings, image_size: s });
encoder.build([-1, s, s, c], new Rng(settings.seed));

const rng = new Rng(11);
const images = Float32Array.from({ length: batch * s * s * c }, () => rng.normal());

const tfjsRun = async () => {
  const out = tf.tidy(() => encoder.call(tf.tensor4d(images, [batch, s, s, c])));
  try { return (await out.data()) as Float32Array; } finally { out.dispose(); }
};
const t0 = performance.now();
const model = encoderToOnnx(encoder, s, c);
const exportMs = performance.now() - t0;
const session = await OnnxEncoder.create(model, s, c, 1);
const onnxRun = () => session.run(images, batch);

// Interleaved, batch by batch, so both see the same load on a shared machine; CPU time (all of the
// process's threads) as well as wall time, since images per CPU-second is the per-core figure.
const totals = { tfjs: { wall: 0, cpu: 0 }, onnx: { wall: 0, cpu: 0 } };
let tfjsOut = await tfjsRun(), onnxOut = await onnxRun(); // warm-up: kernels, allocation
async function timed(which: 'tfjs' | 'onnx', run: () => Promise<Float32Array>): Promise<Float32Array> {
  const cpu = process.cpuUsage(), t = performance.now();
  const out = await run();
  totals[which].wall += (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  totals[which].cpu += (used.user + used.system) / 1e6;
  return out;
}
for (let i = 0; i < batches; i++) {
  tfjsOut = await timed('tfjs', tfjsRun);
  onnxOut = await timed('onnx', onnxRun);
}
await session.dispose();
const wasm = { last: tfjsOut }, onnx = { last: onnxOut };
const n = batch * batches;
const line = (t: { wall: number; cpu: number }) => `${(n / t.wall).toFixed(0)} images/s wall, ${(n / t.cpu).toFixed(0)} images per CPU-second`;

let maxAbs = 0, maxRef = 0;
for (let i = 0; i < wasm.last.length; i++) {
  maxAbs = Math.max(maxAbs, Math.abs(wasm.last[i]! - onnx.last[i]!));
  maxRef = Math.max(maxRef, Math.abs(wasm.last[i]!));
}
console.log(`encoder ${settings.encoder} width ${settings.width} depth ${settings.depth} pooling ${settings.pooling}, ${s}x${s}x${c}, vector ${wasm.last.length / batch}, batch ${batch} x ${batches}`);
console.log(`tfjs-wasm (1 thread):        ${line(totals.tfjs)}`);
console.log(`onnxruntime-node (1 thread): ${line(totals.onnx)}  (${(totals.tfjs.wall / totals.onnx.wall).toFixed(2)}x wall, ${(totals.tfjs.cpu / totals.onnx.cpu).toFixed(2)}x CPU)`);
console.log(`export: ${exportMs.toFixed(0)} ms, ${(model.length / 1024 ** 2).toFixed(1)} MiB; max |difference| ${maxAbs.toExponential(2)} (max |value| ${maxRef.toFixed(3)})`);
encoder.dispose();
