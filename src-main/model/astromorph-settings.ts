// astromorph's (the Python package's) TOML settings read into ours: each key mapped to the setting
// that does the same here, or named as having no equivalent, with why. Its keys (settings.py there):
// datafile, maskfile, data_settings.stacksize, network_name, network_settings (last_layer),
// byol_settings (representation_size, projection_size, projection_hidden_size, moving_average_decay,
// use_momentum), learning_rate, exponential_lr, gamma, epochs, batch_size, core_limit,
// trained_network_name, export_to_csv.
import { SettingsError } from './errors.ts';
import { parseSettings, readSettingsFile, type TrainingSettings } from './settings.ts';

/** One key of the astromorph file and what became of it. */
export interface AstromorphKey {
  /** The key as astromorph names it ('byol_settings.projection_size'). */
  key: string;
  /** Its value, as TOML would write it. */
  value: string;
  /** Our setting it maps to ('projection_size'), or null when it has no equivalent. */
  ours: string | null;
  /** What differs, or why there is no equivalent and what to do instead. */
  note: string;
}

export interface AstromorphSettings {
  /** Our settings, ready for train (validated). */
  settings: TrainingSettings;
  /** Only the keys the file set, mapped: what a settings file of ours would hold. */
  given: Record<string, unknown>;
  keys: AstromorphKey[];
  /** astromorph's datafile: a list of FITS files (one a line) or a FITS file; null when not set. */
  datafile: string | null;
}

// astromorph's networks (models/__init__.py DEFAULT_MODELS) and the encoder here that is closest.
const NETWORKS: Record<string, { encoder: 'resnet18' | 'small-cnn'; note: string }> = {
  n_layer_resnet: { encoder: 'resnet18', note: 'ResNet-18 there (torchvision); our resnet18 is ResNet-18-like (basic blocks), trained from scratch' },
  astro_morphology_model: { encoder: 'small-cnn', note: 'a light 2-D CNN there; our small-cnn is the light CNN here' },
  astromorphologymodel: { encoder: 'small-cnn', note: 'a light 2-D CNN there; our small-cnn is the light CNN here' },
  cloudscanner: { encoder: 'small-cnn', note: 'a light 2-D CNN there; our small-cnn is the light CNN here' },
};
const LAST_LAYERS: Record<string, number> = { layer1: 1, layer2: 2, layer3: 3, layer4: 4 };

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) || (v !== null && typeof v === 'object') ? JSON.stringify(v) : String(v));
const isTable = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Reads an astromorph TOML file; SettingsError (naming the file) when it cannot be read or mapped. */
export function readAstromorphSettings(file: string): AstromorphSettings {
  return fromAstromorphSettings(readSettingsFile(file), file);
}

export function fromAstromorphSettings(raw: Record<string, unknown>, source = 'astromorph settings'): AstromorphSettings {
  const keys: AstromorphKey[] = [];
  const ours: Record<string, unknown> = {};
  const problems: string[] = [];
  const map = (key: string, value: unknown, setting: string | null, note: string, to: unknown = value) => {
    keys.push({ key, value: show(value), ours: setting, note });
    if (setting !== null) ours[setting] = to;
  };
  let network: string | null = null;
  let datafile: string | null = null;
  for (const [key, value] of Object.entries(raw)) {
    switch (key) {
      case 'datafile':
        if (typeof value !== 'string') problems.push('datafile: expected a file name');
        else datafile = value;
        map(key, value, null, 'the data are the project\'s items: add the folders of the files it lists with astromorph add PROJECT FOLDER');
        break;
      case 'maskfile':
        map(key, value, null, 'no equivalent: objects cut from one FITS file by a binary mask are not read; write each object to its own FITS file');
        break;
      case 'data_settings':
        if (!isTable(value)) {
          problems.push('data_settings: expected a table');
          break;
        }
        for (const [k, v] of Object.entries(value)) {
          if (k === 'stacksize') {
            map(`data_settings.${k}`, v, null, 'not needed: it copies a 1-channel image into 3 for an RGB network; our encoders take the '
              + 'data\'s own channels (1 for images, channels for cubes)');
          } else map(`data_settings.${k}`, v, null, 'not an astromorph data setting we know: ignored');
        }
        break;
      case 'network_name': {
        const n = typeof value === 'string' ? NETWORKS[value.toLowerCase()] : undefined;
        if (n) {
          network = value as string;
          map(key, value, 'encoder', n.note, n.encoder);
        } else {
          map(key, value, null, `no equivalent network (known: ${Object.keys(NETWORKS).join(', ')}); our default encoder is used`);
        }
        break;
      }
      case 'network_settings':
        if (!isTable(value)) {
          problems.push('network_settings: expected a table');
          break;
        }
        for (const [k, v] of Object.entries(value)) {
          if (k === 'last_layer' && typeof v === 'string' && LAST_LAYERS[v] !== undefined) {
            map(`network_settings.${k}`, v, 'depth', `the ResNet's stages up to ${v}: ${LAST_LAYERS[v]} stage${LAST_LAYERS[v] === 1 ? '' : 's'} of 2 basic blocks`, LAST_LAYERS[v]);
          } else if (k === 'last_layer') {
            problems.push(`network_settings.last_layer: expected one of ${Object.keys(LAST_LAYERS).join(', ')}, got ${show(v)}`);
          } else map(`network_settings.${k}`, v, null, 'no equivalent network setting: ignored');
        }
        break;
      case 'byol_settings':
        if (!isTable(value)) {
          problems.push('byol_settings: expected a table');
          break;
        }
        for (const [k, v] of Object.entries(value)) {
          const key2 = `byol_settings.${k}`;
          if (k === 'representation_size') map(key2, v, 'representation_size', 'embedding length (a linear layer after pooling when it differs from the encoder\'s width)');
          else if (k === 'projection_size') map(key2, v, 'projection_size', 'same meaning');
          else if (k === 'projection_hidden_size') map(key2, v, 'projection_hidden_size', 'same meaning');
          else if (k === 'moving_average_decay') map(key2, v, 'moving_average_decay', 'base EMA rate; here it follows a cosine schedule to 1 (BYOL paper)');
          else if (k === 'use_momentum') {
            map(key2, v, null, v === false ? 'no equivalent: the target network here is always the moving average of the online one (SimSiam-style training is not offered)'
              : 'always so here: the target network is the moving average of the online one');
          } else map(key2, v, null, 'no equivalent BYOL setting: ignored');
        }
        break;
      case 'learning_rate':
        map(key, value, 'learning_rate', 'there: a constant Adam rate (default 5e-6); here: the peak AdamW rate after warm-up, with cosine decay. '
          + 'Rates that suit one rarely suit the other (ours defaults to 3e-3)');
        break;
      case 'exponential_lr':
      case 'gamma':
        map(key, value, null, 'no equivalent: the rate here warms up then follows a cosine decay (warmup_epochs)');
        break;
      case 'epochs':
        map(key, value, 'epochs', 'there an epoch covers the 80% training split; here every item');
        break;
      case 'batch_size':
        map(key, value, 'batch_size', 'there: gradients summed over this many single images; here: a batch of this many image pairs (2 at least)');
        break;
      case 'core_limit':
        map(key, value, 'core_limit', 'same meaning (0 = all cores)');
        break;
      case 'export_to_csv':
        map(key, value, null, 'an action, not a setting: astromorph embed PROJECT, then astromorph export PROJECT embeddings --format csv');
        break;
      case 'trained_network_name':
        map(key, value, null, 'no equivalent: a PyTorch model file cannot be read here; import its exported embeddings CSV with astromorph import PROJECT FILE');
        break;
      default:
        map(key, value, null, 'not an astromorph setting: ignored');
    }
  }
  if (network === null && ours.depth !== undefined) {
    problems.push('network_settings.last_layer needs network_name = "n_layer_resnet"');
  }
  if (problems.length > 0) throw new SettingsError(problems, source);
  let settings: TrainingSettings;
  try {
    settings = parseSettings(ours, source);
  } catch (e) {
    if (e instanceof SettingsError) throw new SettingsError(e.issues.map((p) => `${p} (mapped from astromorph's settings)`), source);
    throw e;
  }
  return { settings, given: ours, keys, datafile };
}
