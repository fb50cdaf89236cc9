// The main window's size, position and maximised state, remembered between sessions in a small JSON
// file; a saved position on a display that is gone falls back to the default placement.
import { readFileSync, writeFileSync } from 'node:fs';
import type { BrowserWindow, Rectangle } from 'electron';

export interface WindowState {
  bounds: Rectangle | null;
  maximized: boolean;
}

const DEFAULT: WindowState = { bounds: null, maximized: false };

export function loadWindowState(file: string): WindowState {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<WindowState>;
    const b = v.bounds;
    const ok = b && [b.x, b.y, b.width, b.height].every(Number.isFinite) && b.width >= 400 && b.height >= 300;
    return { bounds: ok ? b! : null, maximized: v.maximized === true };
  } catch {
    return DEFAULT;
  }
}

/** Whether the rectangle overlaps one of the work areas enough to be grabbed. */
export function visibleOn(bounds: Rectangle, workAreas: Rectangle[]): boolean {
  return workAreas.some((a) => bounds.x < a.x + a.width - 50 && bounds.x + bounds.width > a.x + 50 && bounds.y >= a.y - 10 && bounds.y < a.y + a.height - 50);
}

/** Saves on close (the normal bounds, even when maximised). */
export function rememberWindowState(win: BrowserWindow, file: string): void {
  win.on('close', () => {
    const state: WindowState = { bounds: win.getNormalBounds(), maximized: win.isMaximized() };
    try {
      writeFileSync(file, JSON.stringify(state));
    } catch {
      // a read-only profile is no reason to block quitting
    }
  });
}
