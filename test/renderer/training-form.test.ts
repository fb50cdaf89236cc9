// The training form: restored from storage only where the stored values have the right shape.
import { describe, expect, it } from 'vitest';
import { DEFAULT_AUGMENTATIONS, formSettings, restoreForm } from '../../src-renderer/lib/training-form.ts';
import { DEFAULT_AUGMENTATIONS as MAIN_DEFAULTS } from '../../src-main/model/data/augmentations/registry.ts';

const DEFAULTS = { epochs: 10, width: null as number | null, encoder: 'small-cnn', framing: 'source', augmentations: null as string[] | null };

describe('training form', () => {
  it('restores what has the right shape and ignores the rest', () => {
    const stored = JSON.stringify({ epochs: 3, width: 'wide', encoder: 'vit', framing: 'field', augmentations: ['flip', 'noise'], extra: 1 });
    expect(restoreForm(stored, DEFAULTS)).toEqual({ epochs: 3, width: null, encoder: 'small-cnn', framing: 'field', augmentations: ['flip', 'noise'] });
    expect(restoreForm(JSON.stringify({ augmentations: ['flip', 'teleport'] }), DEFAULTS).augmentations).toBeNull();
    expect(restoreForm('{not json', DEFAULTS)).toEqual(DEFAULTS);
    expect(restoreForm(null, DEFAULTS)).toEqual(DEFAULTS);
    expect(restoreForm('[1]', DEFAULTS)).toEqual(DEFAULTS);
  });

  it('turns the form into settings: empty fields out, augmentations as tables', () => {
    expect(formSettings({ epochs: 3, width: null, depth: Number.NaN, framing: 'field', augmentations: ['flip'] }))
      .toEqual({ epochs: 3, framing: 'field', augmentations: [{ name: 'flip' }] });
    expect(formSettings({ augmentations: null })).toEqual({});
    // a ticked augmentation gets the parameters the defaults give it
    expect(formSettings({ augmentations: ['noise', 'rotation'] })).toEqual({ augmentations: [{ name: 'noise', reframe: true }, { name: 'rotation' }] });
    // the form's copy of the defaults (the renderer cannot import main-side code) says what registry.ts says
    expect(formSettings({ augmentations: DEFAULT_AUGMENTATIONS }).augmentations).toEqual(MAIN_DEFAULTS);
  });
});
