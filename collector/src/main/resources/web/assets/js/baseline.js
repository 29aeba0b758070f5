// A head's baseline against a value, drawn on a number line: shaded bands at the baseline median
// ± 1, 2 and 3 robust standard deviations (1.4826 × MAD, floored as the collector floors it), the
// median as a tick, the value as a dot. Used by the model page (value = median now) and the
// prediction page (value = this prediction's).
import {s} from './dom.js';
import {css, deviationRgb} from './colour.js';
import {num} from './format.js';

export const MAD_FLOOR = 0.001;
export const MAD_TO_SD = 1.4826;

/** Robust z as the collector computes it, or null without a baseline or value. */
export function robustZ(value, median, mad) {
  if (value === null || value === undefined || median === null || median === undefined ||
      mad === null || mad === undefined || !Number.isFinite(value)) return null;
  return Math.abs(value - median) / (MAD_TO_SD * Math.max(mad, MAD_FLOOR));
}

export function numberLine(value, median, mad, valueName) {
  const width = 170;
  const height = 36;
  const pad = 8;
  if (median === null || median === undefined || mad === null || mad === undefined) {
    return s('svg', {width, height: 18, class: 'numberline', role: 'img',
      'aria-label': 'no baseline yet'},
    s('text', {x: 0, y: 13, class: 'axis'}, 'no baseline yet'));
  }
  const sd = MAD_TO_SD * Math.max(mad, MAD_FLOOR);
  let lo = median - 3.5 * sd;
  let hi = median + 3.5 * sd;
  if (value !== null && Number.isFinite(value)) {
    lo = Math.min(lo, value - 0.5 * sd);
    hi = Math.max(hi, value + 0.5 * sd);
  }
  const x = (v) => pad + (width - 2 * pad) * (v - lo) / (hi - lo);
  const band = (k, cls) => s('rect', {class: cls, x: x(median - k * sd), y: 6,
    width: Math.max(1, x(median + k * sd) - x(median - k * sd)), height: 14});
  const z = robustZ(value, median, mad);
  const children = [
    band(3, 'band3'), band(2, 'band2'), band(1, 'band1'),
    s('line', {class: 'median', x1: x(median), x2: x(median), y1: 3, y2: 23}),
    s('text', {class: 'axis', x: pad, y: 34}, num(lo, 3)),
    s('text', {class: 'axis', x: width - pad, y: 34, 'text-anchor': 'end'}, num(hi, 3)),
  ];
  if (value !== null && Number.isFinite(value)) {
    children.push(s('circle', {class: 'value', cx: x(value), cy: 13, r: 5,
      fill: css(deviationRgb(z))}));
  }
  const said = 'baseline median ' + num(median) + ', robust standard deviation ' + num(sd) +
      (value !== null && Number.isFinite(value) ? '; ' + valueName + ' ' + num(value) +
        ', z ' + num(z, 3) : '; no value');
  return s('svg', {width, height, class: 'numberline', role: 'img', 'aria-label': said},
    s('title', null, said), ...children);
}
