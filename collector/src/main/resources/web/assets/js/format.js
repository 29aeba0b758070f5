// Numbers and times as the pages show them. Missing values show as an en dash.
import {h} from './dom.js';

export const MISSING = '–';

/** A number with `digits` significant digits; tiny or huge values in exponent form. */
export function num(v, digits = 4) {
  if (v === null || v === undefined || typeof v !== 'number' || !Number.isFinite(v)) return MISSING;
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-4)) return v.toExponential(Math.max(0, digits - 2));
  return String(Number(v.toPrecision(digits)));
}

/** A robust z: one decimal, whole numbers from 100. */
export function z(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return MISSING;
  return v >= 100 ? String(Math.round(v)) : v.toFixed(1);
}

const DATE_TIME = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric',
  hour: '2-digit', minute: '2-digit', second: '2-digit',
});

/** A <time> element: local date and time, the UTC instant in its title. */
export function timeEl(iso) {
  if (!iso) return MISSING;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return h('time', {datetime: iso, title: iso + ' (UTC)'}, DATE_TIME.format(d));
}

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function ago(iso, now = Date.now()) {
  const t = new Date(iso).getTime();
  if (!Number.isFinite(t)) return '';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.round(s / 60) + ' min ago';
  if (s < 86400) return Math.round(s / 3600) + ' h ago';
  return Math.round(s / 86400) + ' d ago';
}

/** Seconds as the collector's settings write them: 90 s, 15 min, 2 h. */
export function settingDuration(seconds) {
  if (seconds == null) return '?';
  if (seconds % 3600 === 0) return (seconds / 3600) + ' h';
  if (seconds % 60 === 0) return (seconds / 60) + ' min';
  return seconds + ' s';
}

/** Seconds as ms below 1 s. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return MISSING;
  if (seconds < 1) return num(seconds * 1000, 3) + ' ms';
  return num(seconds, 3) + ' s';
}

/** Human names of the attention statistics (docs/statistics.md). */
export const STATISTIC_NAMES = {
  entropy: 'entropy',
  max_weight: 'max weight',
  sink_mass: 'first-token (sink) mass',
  first_token_mass: 'first-token mass',
  last_token_mass: 'last-token mass',
  self_mass: 'self mass',
  previous_mass: 'previous-token mass',
  next_mass: 'next-token mass',
  mean_distance: 'mean distance',
  output_norm: 'head output norm',
};

export function statisticName(key) {
  return STATISTIC_NAMES[key] || key.replace(/_/g, ' ');
}
