// The training form beyond plain numbers: augmentations, framing and normalisation as the settings
// file names them, and the form kept in the browser's storage so a reload does not lose it. The main
// side checks the settings with the TOML schema either way; what is restored here is only shape-checked.

/** The augmentations the settings accept (src-main/model/data/augmentations/registry.ts), in the README's order. */
export const AUGMENTATION_CHOICES = ['rotation', 'noise', 'inclination', 'resized-crop', 'flip', 'shift', 'beam-blur', 'flux-scale', 'spectral-shift'] as const;
/** The defaults (registry.ts's DEFAULT_AUGMENTATIONS; the renderer does not import main-side code). */
export const DEFAULT_AUGMENTATIONS = ['noise'];
/** Parameters a ticked augmentation gets, as in the defaults: noise reframes the source as a shallower map would. */
const AS_IN_DEFAULTS: Record<string, Record<string, unknown>> = { noise: { reframe: true } };

const ENUMS: Record<string, readonly string[]> = {
  encoder: ['small-cnn', 'resnet18'],
  backend: ['auto', 'tensorflow', 'wasm', 'cpu'],
  framing: ['source', 'field'],
  normalisation: ['asinh', 'minmax'],
};

/**
 * The stored form merged over `defaults`: each stored value is taken only when it has the default's
 * type (a number or null for numbers, one of the choices for choices, a list of known names for
 * augmentations); anything else (an older version's form, a hand-edited store) is ignored.
 */
export function restoreForm<T extends object>(stored: string | null, defaults: T): T {
  if (!stored) return { ...defaults };
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    return { ...defaults };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ...defaults };
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, fallback] of Object.entries(defaults)) {
    const v = (parsed as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (key === 'augmentations') {
      if (v === null || (Array.isArray(v) && v.every((n) => (AUGMENTATION_CHOICES as readonly string[]).includes(n)))) out[key] = v;
    } else if (ENUMS[key]) {
      if (typeof v === 'string' && ENUMS[key].includes(v)) out[key] = v;
    } else if (typeof fallback === 'number' || fallback === null) {
      if (v === null || (typeof v === 'number' && Number.isFinite(v))) out[key] = v;
    }
  }
  return out as T;
}

/** The form as a settings table: empty fields left to the defaults, augmentations as [{ name, ... }]. */
export function formSettings(form: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(form)) {
    if (v === null || v === '' || (typeof v === 'number' && Number.isNaN(v))) continue;
    out[k] = k === 'augmentations' && Array.isArray(v) ? v.map((name: string) => ({ name, ...AS_IN_DEFAULTS[name] })) : v;
  }
  return out;
}
