// A run's stored settings read back: settings added later get the behaviour older runs trained with.
import { describe, expect, it } from 'vitest';
import { storedSettings } from '../../../src-main/api/services/training/stored-settings.ts';
import { parseSettings, preprocessFor } from '../../../src-main/model/settings.ts';
import { spectralWindow } from '../../../src-main/model/data/spectral-window.ts';
import { descriptorBlocks } from '../../../src-main/model/data/descriptor.ts';

const gauss = (v: number, mu: number, s: number) => Math.exp(-0.5 * ((v - mu) / s) ** 2);

describe("spectral_window: runs made before 'line' keep their window", () => {
  it("a stored run without the setting reads as 'peak', a new one as 'line', and the two place different windows", () => {
    const current = parseSettings({});
    expect(current.spectral_window).toBe('line');
    const { spectral_window: _dropped, ...before } = current as unknown as Record<string, unknown>;
    const run = (config: Record<string, unknown>) => ({ id: 1, config } as Parameters<typeof storedSettings>[0]);
    expect(storedSettings(run(before)).spectral_window).toBe('peak');
    expect(storedSettings(run({ ...before, spectral_window: 'line' })).spectral_window).toBe('line');
    expect(preprocessFor(storedSettings(run(before))).spectralWindow).toBe('peak');
    const v = Array.from({ length: 12 }, (_, k) => k - 5.5);
    const line = v.map((x) => 1 + 10 * gauss(x, 0.3, 2));
    expect(spectralWindow(v, line, 8, undefined, 'peak').halfSpan).toBeCloseTo(1.5, 5);
    expect(spectralWindow(v, line, 8).halfSpan).toBeGreaterThan(4);
  });
});

describe('descriptor_version: runs made before version 2 keep their descriptor', () => {
  it('a stored run without the setting reads as 1, whose blocks (and so embedding statistics) differ from 2', () => {
    const current = parseSettings({});
    expect(current.descriptor_version).toBe(2);
    const { descriptor_version: _dropped, ...before } = current as unknown as Record<string, unknown>;
    const run = (config: Record<string, unknown>) => ({ id: 1, config } as Parameters<typeof storedSettings>[0]);
    expect(storedSettings(run(before)).descriptor_version).toBe(1);
    expect(storedSettings(run({ ...before, descriptor_version: 2 })).descriptor_version).toBe(2);
    const S = 48, image = { data: Float32Array.from({ length: S * S }, (_, i) => Math.exp(-Math.floor(i / S) / 12)), width: S, height: S, channels: 1, mask: new Uint8Array(S * S).fill(1) };
    const length = (version: 1 | 2) => descriptorBlocks(image, 'morphology', true, version).reduce((n, b) => n + b.values.length, 0);
    expect(length(1)).not.toBe(length(2));
  });
});
