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

/**
 * A head's distributions for one statistic, from GET /api/models/{model}/heads/{layer}/{head}:
 * the baseline as filled bars and "now" as an outline over the same bins, each scaled to its own
 * total so that their shapes compare; and, if given, a value (this prediction's) as a dot. The
 * range widens to include the value.
 */
export function histogramChart(stat, value, valueName) {
  const width = 190;
  const height = 46;
  const pad = 8;
  const hist = stat.histogram;
  const edges = hist.edges;
  if (!edges || edges.length < 2) return numberLine(value, null, null, valueName);
  let lo = edges[0];
  let hi = edges[edges.length - 1];
  if (value !== null && value !== undefined && Number.isFinite(value)) {
    const span = hi - lo;
    lo = Math.min(lo, value - 0.02 * span);
    hi = Math.max(hi, value + 0.02 * span);
  }
  const x = (v) => pad + (width - 2 * pad) * (v - lo) / (hi - lo);
  const total = (counts) => counts.reduce((a, b) => a + b, 0) || 1;
  const base = hist.baseline.map((c) => c / total(hist.baseline));
  const now = hist.recent.map((c) => c / total(hist.recent));
  const top = Math.max(...base, ...now, 1e-9);
  const y = (d) => 30 - 26 * d / top;
  const children = [];
  base.forEach((d, i) => {
    if (d > 0) {
      children.push(s('rect', {class: 'hist-base', x: x(edges[i]), y: y(d),
        width: Math.max(0.5, x(edges[i + 1]) - x(edges[i]) - 0.5), height: 30 - y(d)}));
    }
  });
  let path = '';
  now.forEach((d, i) => {
    path += (i === 0 ? 'M' : 'L') + x(edges[i]).toFixed(1) + ' ' + y(d).toFixed(1) +
        ' L' + x(edges[i + 1]).toFixed(1) + ' ' + y(d).toFixed(1) + ' ';
  });
  if (stat.recent.count > 0) children.push(s('path', {class: 'hist-now', d: path}));
  children.push(s('line', {class: 'axis-line', x1: pad, x2: width - pad, y1: 30, y2: 30}));
  children.push(s('text', {class: 'axis', x: pad, y: 42}, num(lo, 3)));
  children.push(s('text', {class: 'axis', x: width - pad, y: 42, 'text-anchor': 'end'}, num(hi, 3)));
  const b = stat.baseline;
  const r = stat.recent;
  let said = 'baseline: ' + b.count + ' values, median ' + num(b.p50) + ', middle half ' +
      num(b.p25) + ' to ' + num(b.p75) + '; now: ' + r.count + ' values, median ' + num(r.p50);
  if (value !== null && value !== undefined && Number.isFinite(value)) {
    children.push(s('circle', {class: 'value', cx: x(value), cy: 30, r: 4.5,
      fill: '#e4532f'}));
    said += '; ' + valueName + ' ' + num(value);
  }
  return s('svg', {width, height, class: 'histogram', role: 'img', 'aria-label': said},
    s('title', null, said), ...children);
}
