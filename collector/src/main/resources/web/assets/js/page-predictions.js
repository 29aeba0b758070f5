// Predictions: most unusual (or newest) first, filtered by time, model, service and verdict. The
// filters are a plain GET form, so every view has a URL to share. Service and verdict are asked of
// the API; if it does not know them (400 naming the parameter), they are applied here to the
// 1,000 predictions the API returns at most, and the page says so.
import {h, mount, note} from './dom.js';
import {getJson, ApiError, modelHref, predictionHref} from './api.js';
import {timeEl, ago, duration, z as fmtZ, statisticName} from './format.js';
import {deviationRgb, css, textOn} from './colour.js';
import {initNav, content, run} from './nav.js';

const RANGES = {'15m': 15 * 60e3, '1h': 3600e3, '24h': 86400e3, '7d': 7 * 86400e3};
const API_MAX = 1000;

initNav('predictions');
run(async () => {
  const params = new URLSearchParams(window.location.search);
  const form = document.getElementById('filters');
  for (const [k, v] of params) {
    const field = form.elements.namedItem(k);
    if (!field || !('value' in field)) continue;
    // from/to may come as epoch milliseconds (Grafana's ${__from}); the inputs want local time.
    field.value = k === 'from' || k === 'to' ? localInput(parseTime(v)) : v;
  }
  const {models} = await getJson('/api/models');
  fillSelect(form.elements.namedItem('model'), models.map((m) => m.name), params.get('model'));
  const services = [...new Set(models.flatMap((m) => m.services))].sort();
  fillSelect(form.elements.namedItem('service'), services, params.get('service'));

  const query = new URLSearchParams();
  const order = params.get('order') === 'time' ? 'time' : 'deviation';
  const limit = clampLimit(params.get('limit'));
  query.set('order', order);
  const from = instant(params.get('from'));
  const to = instant(params.get('to'));
  if (from) query.set('from', from);
  else if (RANGES[params.get('range')]) {
    query.set('from', new Date(Date.now() - RANGES[params.get('range')]).toISOString());
  }
  if (to) query.set('to', to);
  for (const k of ['model', 'trace_id', 'feedback']) {
    if (params.get(k)) query.set(k, params.get(k).trim());
  }
  const service = params.get('service') || '';
  const verdict = params.get('verdict') || '';
  const local = [];
  let predictions;
  const server = new URLSearchParams(query);
  if (service) server.set('service', service);
  if (verdict) server.set('verdict', verdict);
  server.set('limit', String(limit));
  try {
    predictions = (await getJson('/api/predictions?' + server)).predictions;
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 400 && ['service', 'verdict'].includes(e.parameter))) {
      throw e;
    }
    query.set('limit', String(API_MAX));
    predictions = (await getJson('/api/predictions?' + query)).predictions;
    if (service) local.push('service');
    if (verdict) local.push('verdict');
    predictions = predictions.filter((p) => (!service || p.service === service) &&
        (!verdict || verdictMatches(p, verdict))).slice(0, limit);
  }

  const notes = [];
  if (local.length) {
    notes.push(note('This collector’s API does not filter by ' + local.join(' or ') +
        '; the page applied it to the ' + (order === 'time' ? 'newest' : 'most unusual') + ' ' +
        API_MAX + ' predictions that match the other filters.'));
  }
  if (verdict && !predictions.some((p) => p.verdict)) {
    notes.push(note('No prediction here carries a verdict: this collector does not report ' +
        'verdicts yet, so the verdict filter matches none.'));
  }
  document.getElementById('result-count').textContent = predictions.length + ' shown, ' +
      (order === 'time' ? 'newest' : 'most unusual') + ' first';
  if (!predictions.length) {
    mount(content(), ...notes, note('No predictions match. Widen the time range or clear a filter.'));
    return;
  }
  mount(content(), ...notes, table(predictions));
});

function table(predictions) {
  const rows = predictions.map((p) => {
    const top = p.top_heads && p.top_heads[0];
    const rgb = deviationRgb(p.max_deviation);
    return h('tr', {dataset: {trace: p.trace_id, id: p.id}},
      h('td', null, timeEl(p.time), h('br'), h('span', {class: 'muted'}, ago(p.time))),
      h('td', null, h('a', {href: modelHref(p.model), class: 'model-name'}, p.model)),
      h('td', null, p.service || '–'),
      h('td', {class: 'num'}, p.input_tokens == null ? '–' : String(p.input_tokens)),
      h('td', {class: 'num'}, duration(p.duration_seconds)),
      h('td', {class: 'num'}, h('span', {class: 'zchip',
        style: {'background-color': css(rgb), color: textOn(rgb)}}, fmtZ(p.max_deviation))),
      h('td', null, verdictText(p)),
      h('td', null, top ? 'L' + top.layer + ' H' + top.head + ' ' + statisticName(top.statistic) : '–'),
      h('td', null, h('a', {href: predictionHref(p), class: 'trace-id mono'}, p.trace_id)));
  });
  return h('div', {class: 'table-scroll'}, h('table', {class: 'data predictions'},
    h('caption', {class: 'visually-hidden'}, 'Predictions'),
    h('thead', null, h('tr', null,
      ['time', 'model', 'service', 'tokens', 'duration', 'largest z', 'verdict', 'most deviant head',
        'trace id'].map((t) => h('th', {scope: 'col',
        class: ['tokens', 'duration', 'largest z'].includes(t) ? 'num' : null}, t)))),
    h('tbody', null, rows)));
}

function verdictText(p) {
  const v = p.verdict;
  if (!v) return h('span', {class: 'muted'}, 'none');
  if (v.anomalous === true) return h('span', {class: 'badge bad'}, 'anomalous');
  if (v.anomalous === false) return h('span', {class: 'badge ok'}, 'normal');
  return h('span', {class: 'muted'}, 'not scored');
}

function verdictMatches(p, wanted) {
  if (wanted === 'anomalous') return !!(p.verdict && p.verdict.anomalous === true);
  if (wanted === 'normal') return !!(p.verdict && p.verdict.anomalous === false);
  return true;
}

function fillSelect(select, values, chosen) {
  for (const v of values) select.appendChild(h('option', {value: v}, v));
  select.value = chosen && values.includes(chosen) ? chosen : '';
}

function clampLimit(text) {
  const n = Number.parseInt(text || '50', 10);
  return Number.isFinite(n) ? Math.max(1, Math.min(API_MAX, n)) : 50;
}

/** A datetime-local value (local time) or epoch milliseconds as a Date, or null. */
function parseTime(text) {
  if (!text) return null;
  const d = /^[0-9]{10,16}$/.test(text) ? new Date(Number(text)) : new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The same, as an ISO instant for the API. */
function instant(text) {
  const d = parseTime(text);
  return d ? d.toISOString() : null;
}

/** A Date as a datetime-local input value (local time, to the second). */
function localInput(d) {
  if (!d) return '';
  const p = (n) => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' +
      p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds());
}
