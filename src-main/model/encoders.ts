// The two encoders. Both end in global average pooling, so the embedding is the pooled encoder output.
//  small-cnn: `depth` conv blocks (3x3, stride 1 then 2), width doubling per block; for quick runs.
//  resnet18:  ResNet-18 layout (7x7/2 stem, 3x3/2 max pool, stages of 2 basic blocks, widths
//             width*[1,2,4,8]) with C input channels and group normalisation; depth = stages (1..4).
import { Sequential } from './layers/sequential.ts';
import { ConvBlock } from './layers/conv-block.ts';
import { ResidualBlock } from './layers/residual-block.ts';
import { AzimuthalPool, GlobalAveragePool, MaxPool } from './layers/pooling.ts';
import { Dense } from './layers/dense.ts';
import type { Layer } from './layers/layer.ts';
import { encoderOutputWidth } from './settings.ts';

export interface EncoderConfig {
  encoder: 'resnet18' | 'small-cnn';
  width: number;
  depth: number;
  representation_size?: number | undefined;
  /** 'azimuthal' (polar input): mean over azimuth only, radius kept; 'global' (default): mean over the image. */
  pooling?: 'global' | 'azimuthal';
  image_size?: number;
}

export function buildEncoder(c: EncoderConfig, name = 'encoder'): Sequential {
  const layers: Layer[] = [];
  if (c.encoder === 'small-cnn') {
    for (let i = 0; i < c.depth; i++) {
      layers.push(new ConvBlock({ name: `block${i}`, filters: c.width * 2 ** i, kernelSize: 3, strides: i === 0 ? 1 : 2 }));
    }
  } else {
    layers.push(new ConvBlock({ name: 'stem', filters: c.width, kernelSize: 7, strides: 2 }));
    layers.push(new MaxPool({ name: 'stem_pool', poolSize: 3, strides: 2 }));
    for (let s = 0; s < c.depth; s++) {
      const filters = c.width * 2 ** s;
      layers.push(new ResidualBlock({ name: `stage${s + 1}_block0`, filters, strides: s === 0 ? 1 : 2 }));
      layers.push(new ResidualBlock({ name: `stage${s + 1}_block1`, filters }));
    }
  }
  layers.push(c.pooling === 'azimuthal' ? new AzimuthalPool('pool') : new GlobalAveragePool('pool'));
  const pooled = encoderOutputWidth(c);
  if (c.representation_size != null && c.representation_size !== pooled) {
    layers.push(new Dense({ name: 'representation', units: c.representation_size }));
  }
  return new Sequential(name, layers);
}
