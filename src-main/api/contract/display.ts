// How the views turn float pixels into an image: the same limits, stretches and colormaps the
// project's thumbnails are drawn with (src-main/dataset/display.ts, Node-free), so the two agree.
export { COLORMAPS, STRETCHES, colormapLut, minMaxLimits, percentileLimits, renderRgba, stretchValue, zscaleLimits } from '../../dataset/display.ts';
export type { Colormap, Limits, RenderOptions, Stretch, ZscaleOptions } from '../../dataset/display.ts';
