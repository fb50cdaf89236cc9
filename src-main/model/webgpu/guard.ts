// A training or embedding step on webgpu inside the device's error scopes: running out of GPU memory,
// or a tensor larger than the adapter allows, becomes one clear ModelError that names the batch size
// and suggests a smaller one, instead of an opaque exception (or garbage results) later.
import { ModelError } from '../errors.ts';
import { takeUncapturedError, webGpuLost, withErrorScopes } from './dawn.ts';

export interface StepShape {
  /** Images per step (batch_size), and what each image is. */
  batchSize: number;
  size: number;
  channels: number;
  /** 'training step' or 'embedding batch'. */
  what?: string;
}

const TOO_LARGE = /exceed|larger than|too large|max(imum)?[ _a-z]*size|limit/i;

function smaller(b: number): string {
  return b > 2 ? `; set a smaller batch_size (e.g. ${Math.max(2, b >> 1)})` : '';
}

/** Runs fn; on webgpu, device errors during it become a ModelError suggesting a smaller batch. */
export async function gpuGuarded<T>(fn: () => Promise<T>, shape: StepShape): Promise<T> {
  const { result, errors } = await withErrorScopes(fn);
  const where = `in a ${shape.what ?? 'training step'} of batch_size ${shape.batchSize} (${shape.size}x${shape.size}x${shape.channels} images)`;
  if (errors != null) {
    const uncaught = takeUncapturedError();
    const lost = webGpuLost();
    if (errors.outOfMemory != null) {
      throw new ModelError(`the GPU ran out of memory ${where}${smaller(shape.batchSize)} (${errors.outOfMemory.message.trim()})`);
    }
    const invalid = errors.validation ?? uncaught;
    if (invalid != null) {
      if (TOO_LARGE.test(invalid.message)) {
        throw new ModelError(`a tensor is larger than this GPU allows ${where}${smaller(shape.batchSize)} (${invalid.message.trim()})`);
      }
      throw new ModelError(`WebGPU reported an error ${where}: ${invalid.message.trim()}`);
    }
    if (lost != null) throw new ModelError(`the GPU device was lost ${where} (${lost})${smaller(shape.batchSize)}`);
  }
  if ('thrown' in result) throw result.thrown;
  return result.value;
}
