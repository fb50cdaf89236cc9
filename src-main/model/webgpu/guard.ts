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
  /** 'training step' (default) or 'embedding batch'. */
  what?: string;
  /** The setting that sets the batch size: 'batch_size' (default), or the embed command's '--batch-size'. */
  setting?: string;
}

const TOO_LARGE = /exceed|larger than|too large|max(imum)?[ _a-z]*size|limit/i;

function smaller(b: number, setting: string): string {
  const least = setting === 'batch_size' ? 2 : 1; // training needs 2 images for its batch statistics
  return b > least ? `; set a smaller ${setting} (e.g. ${Math.max(least, b >> 1)})` : '';
}

/** Runs fn; on webgpu, device errors during it become a ModelError suggesting a smaller batch. */
export async function gpuGuarded<T>(fn: () => Promise<T>, shape: StepShape): Promise<T> {
  const { result, errors } = await withErrorScopes(fn);
  const setting = shape.setting ?? 'batch_size';
  const where = `in a ${shape.what ?? 'training step'} of ${setting} ${shape.batchSize} (${shape.size}x${shape.size}x${shape.channels} images)`;
  if (errors != null) {
    const uncaught = takeUncapturedError();
    const lost = webGpuLost();
    if (errors.outOfMemory != null) {
      throw new ModelError(`the GPU ran out of memory ${where}${smaller(shape.batchSize, setting)} (${errors.outOfMemory.message.trim()})`);
    }
    const invalid = errors.validation ?? uncaught;
    if (invalid != null) {
      if (TOO_LARGE.test(invalid.message)) {
        throw new ModelError(`a tensor is larger than this GPU allows ${where}${smaller(shape.batchSize, setting)} (${invalid.message.trim()})`);
      }
      throw new ModelError(`WebGPU reported an error ${where}: ${invalid.message.trim()}`);
    }
    if (lost != null) throw new ModelError(`the GPU device was lost ${where} (${lost})${smaller(shape.batchSize, setting)}`);
  }
  if ('thrown' in result) throw result.thrown;
  return result.value;
}
