// A network rebuilt from its saved form (Layer.toJSON: className and config), as tfjs-layers'
// deserialize does with a model.json topology: what a checkpoint stores, not the settings of the day,
// decides what is built, so a model is read back as it was trained. The saved form may come from a
// project or a model file made elsewhere, so every config is checked before anything is sized.
import { z } from 'zod';
import { issueLines } from '../../base/issues.ts';
import { CheckpointError } from '../errors.ts';
import { BatchNorm } from './batch-norm.ts';
import { ConvBlock } from './conv-block.ts';
import { Conv2D } from './conv2d.ts';
import { Dense } from './dense.ts';
import { GroupNorm } from './group-norm.ts';
import type { Layer, LayerConfig } from './layer.ts';
import { AzimuthalPool, GlobalAveragePool, MaxPool } from './pooling.ts';
import { ProjectionHead } from './projection-head.ts';
import { ResidualBlock } from './residual-block.ts';
import { Sequential } from './sequential.ts';

const name = z.string().min(1).max(200).regex(/^[\w.-]+$/, 'letters, digits, _ . - only');
const size = z.int().min(1).max(65536);
const small = z.int().min(1).max(64);
const epsilon = z.number().positive().max(1);

/** Each class's config schema and constructor; nothing else can be built from a saved form. */
const CLASSES: Record<string, { config: z.ZodType; build: (c: never) => Layer }> = {
  Conv2D: {
    config: z.strictObject({ name, filters: size, kernelSize: small, strides: small, padding: z.enum(['same', 'valid']), useBias: z.boolean() }),
    build: (c: ConstructorParameters<typeof Conv2D>[0]) => new Conv2D(c),
  },
  ConvBlock: {
    config: z.strictObject({ name, filters: size, kernelSize: small, strides: small, relu: z.boolean() }),
    build: (c: ConstructorParameters<typeof ConvBlock>[0]) => new ConvBlock(c),
  },
  ResidualBlock: {
    config: z.strictObject({ name, filters: size, strides: small }),
    build: (c: ConstructorParameters<typeof ResidualBlock>[0]) => new ResidualBlock(c),
  },
  MaxPool: {
    config: z.strictObject({ name, poolSize: small, strides: small }),
    build: (c: ConstructorParameters<typeof MaxPool>[0]) => new MaxPool(c),
  },
  GlobalAveragePool: {
    config: z.strictObject({ name }),
    build: (c: { name: string }) => new GlobalAveragePool(c.name),
  },
  AzimuthalPool: {
    config: z.strictObject({ name }),
    build: (c: { name: string }) => new AzimuthalPool(c.name),
  },
  Dense: {
    config: z.strictObject({ name, units: size, useBias: z.boolean() }),
    build: (c: ConstructorParameters<typeof Dense>[0]) => new Dense(c),
  },
  GroupNorm: {
    config: z.strictObject({ name, groups: size, epsilon }),
    build: (c: ConstructorParameters<typeof GroupNorm>[0]) => new GroupNorm(c),
  },
  BatchNorm: {
    config: z.strictObject({ name, epsilon }),
    build: (c: ConstructorParameters<typeof BatchNorm>[0]) => new BatchNorm(c),
  },
  ProjectionHead: {
    config: z.strictObject({ name, hiddenSize: size, outputSize: size, norm: z.enum(['batch', 'layer']) }),
    build: (c: ConstructorParameters<typeof ProjectionHead>[0]) => new ProjectionHead(c),
  },
};

const MAX_LAYERS = 1000;

/** The layer (with its sublayers) a saved form describes, unbuilt: build() it with an input shape, then load the weights. */
export function layerFromConfig(saved: unknown, where = 'architecture'): Layer {
  let count = 0;
  const rebuild = (s: unknown, at: string): Layer => {
    if (++count > MAX_LAYERS) throw new CheckpointError(`${where}: more than ${MAX_LAYERS} layers`);
    const form = s as Partial<LayerConfig> | null;
    if (form === null || typeof form !== 'object' || typeof form.className !== 'string' || form.config === null || typeof form.config !== 'object') {
      throw new CheckpointError(`${where}: ${at} is not a layer's saved form ({className, config})`);
    }
    if (form.className === 'Sequential') {
      const r = z.strictObject({ name, layers: z.array(z.unknown()).min(1).max(MAX_LAYERS) }).safeParse(form.config);
      if (!r.success) throw new CheckpointError(`${where}: ${at} (Sequential): ${issueLines(r.error.issues, { root: 'config' }).join('; ')}`);
      return new Sequential(r.data.name, r.data.layers.map((l, i) => rebuild(l, `${at}.layers[${i}]`)));
    }
    const entry = Object.hasOwn(CLASSES, form.className) ? CLASSES[form.className] : undefined;
    if (!entry) throw new CheckpointError(`${where}: ${at} is a ${JSON.stringify(form.className).slice(0, 60)}, not a layer this version builds`);
    const r = entry.config.safeParse(form.config);
    if (!r.success) throw new CheckpointError(`${where}: ${at} (${form.className}): ${issueLines(r.error.issues, { root: 'config' }).join('; ')}`);
    return entry.build(r.data as never);
  };
  return rebuild(saved, 'the network');
}
