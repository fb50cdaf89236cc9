// A spectral axis value in the units astronomers read it in: GHz (or MHz) for frequency, km/s for
// velocity, with the radio velocity from RESTFRQ beside a frequency, and µm/nm/mm for wavelength.
import { spectralTypeOf, unitFactor } from './wcs.ts';
import type { LinearWcs } from './wcs.ts';

const CONVENTION: Record<string, string> = { VRAD: 'radio', VOPT: 'optical', VELO: 'relativistic' };

/** Frequency in Hz as GHz, MHz or kHz with enough digits to tell channels apart. */
export function formatFrequency(hz: number): string {
  const a = Math.abs(hz);
  if (a >= 1e9) return `${(hz / 1e9).toFixed(6)} GHz`;
  if (a >= 1e6) return `${(hz / 1e6).toFixed(4)} MHz`;
  if (a >= 1e3) return `${(hz / 1e3).toFixed(3)} kHz`;
  return `${hz.toPrecision(6)} Hz`;
}

/** Velocity in m/s as km/s. */
export function formatVelocity(ms: number): string {
  const kms = ms / 1e3;
  return `${Math.abs(kms) < 0.005 ? '0.00' : kms.toFixed(2)} km/s`;
}

/** Wavelength in m as mm, µm, nm or Å. */
export function formatWavelength(m: number): string {
  const a = Math.abs(m);
  if (a >= 1e-3) return `${(m * 1e3).toPrecision(6)} mm`;
  if (a >= 1e-6) return `${(m * 1e6).toPrecision(6)} µm`;
  if (a >= 1e-9) return `${(m * 1e9).toPrecision(6)} nm`;
  return `${(m * 1e10).toPrecision(6)} Å`;
}

/**
 * The label of one spectral value (header units) on axis `axis`: '230.538000 GHz · 0.00 km/s (radio)'.
 * Null when the axis is not one we convert (its unit unknown, or not spectral).
 */
export function spectralLabel(wcs: LinearWcs, axis: number, value: number): string | null {
  const a = wcs.axes[axis];
  if (!a) return null;
  const type = spectralTypeOf(a.ctype);
  if (type === undefined) return null;
  let si: number;
  try {
    si = value * unitFactor(a.cunit, type);
  } catch {
    return null;
  }
  const rest = wcs.restFrequency !== undefined && wcs.restFrequency > 0;
  const radio = () => formatVelocity(wcs.spectralValue(axis, value, 'VRAD'));
  switch (type) {
    case 'FREQ':
      return rest ? `${formatFrequency(si)} · ${radio()} (radio)` : formatFrequency(si);
    case 'WAVE':
      return rest ? `${formatWavelength(si)} · ${radio()} (radio)` : formatWavelength(si);
    default: {
      const v = `${formatVelocity(si)} (${CONVENTION[type]})`;
      return rest ? `${v} · ${formatFrequency(wcs.spectralValue(axis, value, 'FREQ'))}` : v;
    }
  }
}
