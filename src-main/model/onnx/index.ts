// Public surface of the ONNX form of an encoder: export, and running it with onnxruntime-node.
export { encoderToOnnx, ONNX_INPUT, ONNX_OUTPUT } from './export.ts';
export { OnnxEncoder, onnxRuntime } from './runtime.ts';
