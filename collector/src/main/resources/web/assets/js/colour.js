// Colour scales. Deviation: light (as usual) to dark red (far from baseline), steps at the z
// values the legend shows. Attention weight: white (0) to dark blue (1), on a square-root scale
// because most weights are small.

const DEVIATION_STOPS = [
  [0, [247, 244, 238]],
  [1, [253, 230, 180]],
  [2, [253, 192, 115]],
  [3, [249, 142, 82]],
  [5, [228, 83, 47]],
  [10, [179, 22, 43]],
  [20, [103, 0, 13]],
];

const WEIGHT_STOPS = [
  [0, [255, 255, 255]],
  [0.2, [222, 235, 247]],
  [0.4, [158, 202, 225]],
  [0.6, [66, 146, 198]],
  [0.8, [8, 81, 156]],
  [1, [8, 48, 107]],
];

function interpolate(stops, x) {
  if (x <= stops[0][0]) return stops[0][1];
  for (let i = 1; i < stops.length; i++) {
    const [x1, c1] = stops[i];
    if (x <= x1) {
      const [x0, c0] = stops[i - 1];
      const t = (x - x0) / (x1 - x0);
      return [0, 1, 2].map((k) => Math.round(c0[k] + t * (c1[k] - c0[k])));
    }
  }
  return stops[stops.length - 1][1];
}

export function css(rgb) {
  return 'rgb(' + rgb[0] + ', ' + rgb[1] + ', ' + rgb[2] + ')';
}

/** RGB for a robust z (null: grey, no data). */
export function deviationRgb(z) {
  if (z === null || z === undefined || !Number.isFinite(z)) return [222, 222, 226];
  return interpolate(DEVIATION_STOPS, z);
}

/** RGB for an attention weight in [0, 1]. */
export function weightRgb(w) {
  const x = Math.sqrt(Math.min(1, Math.max(0, w || 0)));
  return interpolate(WEIGHT_STOPS, x);
}

/** Black or white, whichever reads better on this background. */
export function textOn(rgb) {
  const [r, g, b] = rgb.map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.33 ? '#111' : '#fff';
}

/** The z values at which the deviation legend shows a swatch. */
export const DEVIATION_LEGEND = [0, 1, 2, 3, 5, 10, 20];
/** The weights at which the attention legend shows a swatch. */
export const WEIGHT_LEGEND = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 1];
