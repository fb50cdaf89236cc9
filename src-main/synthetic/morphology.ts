// The intrinsic object: what a protoplanetary disk looks like before any telescope sees it.
// Classes follow the morphologies the astromorph paper found in ALMA continuum disks (DSHARP-like):
// smooth tapered disks, single rings (transition disks), multiple rings/gaps, spirals, binaries,
// and azimuthal asymmetries (crescents/vortices). Parameters are plain JSON so an object can be
// stored in labels.csv and rendered again under other observing conditions.
import type { Rng } from '../base/random.ts';

export const DISK_CLASSES = ['smooth', 'ring', 'multi-ring', 'spiral', 'binary', 'asymmetric'] as const;
export type DiskClass = (typeof DISK_CLASSES)[number];

export interface Ring { radius: number /* fraction of R */; width: number /* fraction of R */; amplitude: number }

export interface DiskObject {
  className: DiskClass;
  /** Characteristic (outer) radius R in arcsec. */
  radius: number;
  /** Inclination in degrees (0 = face-on). */
  inclination: number;
  /** Position angle of the major axis, degrees east of north. */
  positionAngle: number;
  /** Total flux density in Jy. */
  flux: number;
  /** Power-law index of the smooth tapered profile. */
  gamma: number;
  /** ring / multi-ring / asymmetric: rings in fractions of R. */
  rings: Ring[];
  /** Brightness of the smooth disk under the rings/arms (relative). */
  background: number;
  /** spiral */
  arms: number; pitch: number /* degrees */; armWidth: number /* fraction of R */; handedness: 1 | -1; armPhase: number /* rad */;
  /** asymmetric: azimuth (rad), angular width (rad) and contrast of the crescent */
  crescentAzimuth: number; crescentWidth: number; crescentContrast: number;
  /** binary: separation (fraction of R), sky angle of the separation (deg), flux ratio, companion geometry */
  separation: number; separationAngle: number; fluxRatio: number; companionInclination: number; companionPositionAngle: number;
  componentRadius: number /* fraction of R */;
}

function blank(className: DiskClass, rng: Rng): DiskObject {
  return {
    className,
    radius: rng.logUniform(0.25, 1.2),
    // Uniform in cos i up to 65 degrees: random orientations, but not so edge-on that rings vanish.
    inclination: (Math.acos(rng.uniform(Math.cos((65 * Math.PI) / 180), 1)) * 180) / Math.PI,
    positionAngle: rng.uniform(0, 180),
    flux: rng.logUniform(0.01, 1),
    gamma: rng.uniform(0.3, 1.0),
    rings: [], background: 0,
    arms: 0, pitch: 0, armWidth: 0, handedness: 1, armPhase: 0,
    crescentAzimuth: 0, crescentWidth: 0, crescentContrast: 0,
    separation: 0, separationAngle: 0, fluxRatio: 0, companionInclination: 0, companionPositionAngle: 0, componentRadius: 0,
  };
}

export function sampleObject(rng: Rng, className: DiskClass): DiskObject {
  const o = blank(className, rng);
  switch (className) {
    case 'smooth':
      break;
    case 'ring':
      // Transition disk: one bright ring around a cavity, faint inner disk at most.
      o.rings = [{ radius: rng.uniform(0.45, 0.75), width: rng.uniform(0.06, 0.14), amplitude: 1 }];
      o.background = rng.uniform(0, 0.08);
      break;
    case 'multi-ring': {
      const n = 2 + rng.int(3);
      let r = rng.uniform(0.15, 0.3);
      const step = (0.9 - r) / n;
      for (let i = 0; i < n; i++) {
        o.rings.push({ radius: r, width: rng.uniform(0.035, 0.06), amplitude: rng.uniform(0.5, 1) });
        r += step * rng.uniform(0.85, 1.15);
      }
      o.background = rng.uniform(0.05, 0.2);
      break;
    }
    case 'spiral':
      o.arms = rng.next() < 0.75 ? 2 : 3;
      o.pitch = rng.uniform(12, 25);
      o.armWidth = rng.uniform(0.05, 0.09);
      o.handedness = rng.next() < 0.5 ? 1 : -1;
      o.armPhase = rng.uniform(0, 2 * Math.PI);
      o.background = rng.uniform(0.15, 0.35);
      o.inclination = Math.min(o.inclination, 45); // strongly inclined spirals look like rings
      break;
    case 'binary':
      o.separation = rng.uniform(0.9, 1.6);
      o.separationAngle = rng.uniform(0, 360);
      o.fluxRatio = rng.uniform(0.3, 1);
      o.componentRadius = rng.uniform(0.2, 0.35);
      o.companionInclination = (Math.acos(rng.uniform(Math.cos((65 * Math.PI) / 180), 1)) * 180) / Math.PI;
      o.companionPositionAngle = rng.uniform(0, 180);
      break;
    case 'asymmetric':
      o.rings = [{ radius: rng.uniform(0.45, 0.75), width: rng.uniform(0.08, 0.15), amplitude: 1 }];
      o.crescentAzimuth = rng.uniform(-Math.PI, Math.PI);
      o.crescentWidth = rng.uniform(0.35, 0.9);
      o.crescentContrast = rng.uniform(4, 12);
      o.background = rng.uniform(0, 0.05);
      break;
  }
  return o;
}

/** One disk on the sky: its own centre and orientation, and its face-on brightness profile. */
export interface DiskComponent {
  x0: number; y0: number; /** arcsec, sky offset from the field centre (x east-positive on pixels, y north) */
  cosPa: number; sinPa: number; cosInc: number; sinInc: number;
  /** Face-on surface brightness at disk-plane radius r (arcsec) and azimuth phi (rad, from the major axis). */
  brightness: (r: number, phi: number) => number;
  /** Scale radius for the Keplerian velocity field (arcsec). */
  radius: number;
  /** Systemic velocity offset of this component (in units of the Keplerian speed at R). */
  vsys: number;
}

const wrapPi = (a: number): number => a - 2 * Math.PI * Math.round(a / (2 * Math.PI));

function taperedProfile(rc: number, gamma: number): (r: number) => number {
  const soft = 0.03 * rc; // avoids the r^-gamma singularity at the centre
  return (r) => {
    const x = Math.sqrt(r * r + soft * soft) / rc;
    return Math.pow(x, -gamma) * Math.exp(-Math.pow(x, 2 - gamma));
  };
}

function geometry(inclinationDeg: number, paDeg: number) {
  const i = (inclinationDeg * Math.PI) / 180, pa = (paDeg * Math.PI) / 180;
  return { cosPa: Math.cos(pa), sinPa: Math.sin(pa), cosInc: Math.cos(i), sinInc: Math.sin(i) };
}

/** The object's disks with brightness functions; un-normalised (render.ts scales to the total flux). */
export function componentsOf(o: DiskObject): DiskComponent[] {
  const R = o.radius;
  const smooth = taperedProfile(0.45 * R, o.gamma);
  const ringSum = (r: number): number => {
    let s = 0;
    for (const ring of o.rings) {
      const d = (r / R - ring.radius) / ring.width;
      s += ring.amplitude * Math.exp(-0.5 * d * d);
    }
    return s;
  };
  const smoothPeak = smooth(0.45 * R * 0.3); // rough normalisation so 'background' is relative to the rings
  const centre = { x0: 0, y0: 0, radius: R, vsys: 0, ...geometry(o.inclination, o.positionAngle) };
  switch (o.className) {
    case 'smooth':
      return [{ ...centre, brightness: (r) => smooth(r) }];
    case 'ring':
    case 'multi-ring':
      return [{ ...centre, brightness: (r) => ringSum(r) + (o.background * smooth(r)) / smoothPeak }];
    case 'asymmetric':
      return [{
        ...centre,
        brightness: (r, phi) => {
          const d = wrapPi(phi - o.crescentAzimuth) / o.crescentWidth;
          return ringSum(r) * (1 + o.crescentContrast * Math.exp(-0.5 * d * d)) + (o.background * smooth(r)) / smoothPeak;
        },
      }];
    case 'spiral': {
      const tanPitch = Math.tan((o.pitch * Math.PI) / 180);
      const sinPitch = Math.sin((o.pitch * Math.PI) / 180);
      const r0 = 0.15 * R;
      const envelope = taperedProfile(0.6 * R, 0.2);
      return [{
        ...centre,
        brightness: (r, phi) => {
          if (r < 1e-9) return envelope(r) * o.background;
          const armPhi = o.armPhase + (o.handedness * Math.log(Math.max(r, r0) / r0)) / tanPitch;
          let arms = 0;
          for (let k = 0; k < o.arms; k++) {
            const d = (r * sinPitch * wrapPi(phi - armPhi - (2 * Math.PI * k) / o.arms)) / (o.armWidth * R);
            arms += Math.exp(-0.5 * d * d);
          }
          // Arms fade outside ~R; a faint smooth disk underneath.
          return envelope(r) * (o.background + arms);
        },
      }];
    }
    case 'binary': {
      const rc = o.componentRadius * R;
      const profile = taperedProfile(0.5 * rc, o.gamma);
      const ang = (o.separationAngle * Math.PI) / 180;
      const half = (o.separation * R) / 2;
      const dx = half * Math.sin(ang), dy = half * Math.cos(ang);
      // Weights so that the secondary/primary flux ratio holds regardless of the shared profile.
      return [
        { x0: dx, y0: dy, radius: rc, vsys: 0.3, ...geometry(o.inclination, o.positionAngle), brightness: (r) => profile(r) },
        { x0: -dx, y0: -dy, radius: rc, vsys: -0.3, ...geometry(o.companionInclination, o.companionPositionAngle), brightness: (r) => o.fluxRatio * profile(r) },
      ];
    }
  }
}
