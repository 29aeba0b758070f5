// One model: its layer x head grid coloured by how far each head's recent median is from its
// baseline, for a chosen statistic (or the largest over all), and one head's numbers on click.
import {h, mount, note, section, facts} from './dom.js';
import {getJson, ApiError} from './api.js';
import {num, z as fmtZ, timeEl, ago, settingDuration, statisticName} from './format.js';
import {deviationRgb, DEVIATION_LEGEND} from './colour.js';
import {headGrid, legend} from './grid.js';
import {numberLine, histogramChart} from './baseline.js';
import {initNav, content, run} from './nav.js';

const MAX = 'max';

initNav('models');
run(async () => {
  const name = decodeURIComponent(window.location.pathname.slice('/models/'.length));
  document.title = name + ' · Headwatch';
  document.getElementById('page-title').textContent = name;
  const encoded = encodeURIComponent(name);

  const [{models}, heads] = await Promise.all([
    getJson('/api/models'),
    getJson('/api/models/' + encoded + '/heads').catch((e) => {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }),
  ]);
  const summary = models.find((m) => m.name === name) || null;
  if (!summary && !heads) {
    mount(content(), h('div', {class: 'problem', role: 'alert'},
      h('p', null, 'No model named “', h('strong', null, name), '” has stored predictions.')),
    note(h('a', {href: '/models'}, 'All models')));
    return;
  }

  const about = section('about', 'Model', facts([
    ['services', summary ? (summary.services.join(', ') || '–') : null],
    ['last seen', summary ? h('span', null, timeEl(summary.last_seen), ' · ' + ago(summary.last_seen)) : null],
    ['layers × heads', heads ? heads.layers + ' × ' + heads.heads_per_layer :
      summary && summary.layers != null ? summary.layers + ' × ' + summary.heads : '–'],
    ['predictions stored', summary ? String(summary.predictions) : null],
    ['baseline', heads ? heads.snapshots_in_window + ' snapshots in a window of ' + heads.window +
        '; “now” = predictions of the last ' + settingDuration(heads.now_seconds) : null],
  ]), h('p', null, h('a', {href: '/predictions?model=' + encoded}, 'Most unusual predictions'),
    ' · ', h('a', {href: '/predictions?order=time&model=' + encoded}, 'newest predictions'),
    ' · ', h('a', {href: '/models/' + encoded + '/comparison', id: 'comparison-link'},
      'wrong against right')));

  if (!heads) {
    mount(content(), about, section('heads', 'Heads', note('No attention snapshots for this ' +
        'model since the collector started or in its store, so there is no head grid yet.')));
    return;
  }

  // cells[layer][head] = {statistic: row}
  const cells = [];
  const statistics = [];
  for (const row of heads.heads) {
    (cells[row.layer] ||= [])[row.head] ||= {};
    cells[row.layer][row.head][row.statistic] = row;
    if (!statistics.includes(row.statistic)) statistics.push(row.statistic);
  }
  const params = new URLSearchParams(window.location.search);
  let statistic = params.get('statistic');
  if (statistic !== MAX && !statistics.includes(statistic)) statistic = MAX;
  const hasBaseline = heads.heads.some((r) => r.z !== null);

  const select = h('select', {id: 'statistic'},
    h('option', {value: MAX}, 'largest over all statistics'),
    statistics.map((st) => h('option', {value: st}, statisticName(st))));
  select.value = statistic;
  const gridHolder = h('div', {class: 'grid-holder'});
  const detail = h('div', {id: 'head-detail', class: 'head-detail', 'aria-live': 'polite'},
    note('Choose a head to see its numbers against its baseline.'));
  let selected = null;

  function valueOf(layer, head) {
    const byStat = (cells[layer] && cells[layer][head]) || {};
    if (statistic !== MAX) {
      const r = byStat[statistic];
      return r ? {z: r.z, statistic} : {z: null, statistic};
    }
    let best = {z: null, statistic: null};
    for (const [st, r] of Object.entries(byStat)) {
      if (r.z !== null && (best.z === null || r.z > best.z)) best = {z: r.z, statistic: st};
    }
    return best;
  }

  function drawGrid() {
    const grid = headGrid({
      layers: heads.layers,
      heads: heads.heads_per_layer,
      caption: 'Robust z of each head’s recent median against its baseline (' +
          (statistic === MAX ? 'largest over all statistics' : statisticName(statistic)) + ')',
      selected,
      rgb: deviationRgb,
      cell: (i, j) => {
        const v = valueOf(i, j);
        return {
          value: v.z,
          text: fmtZ(v.z),
          label: 'layer ' + i + ', head ' + j + ': ' + (v.z === null ? 'no baseline' :
            'z ' + fmtZ(v.z) + (v.statistic ? ' (' + statisticName(v.statistic) + ')' : '')),
        };
      },
      onSelect: (i, j) => {
        selected = {layer: i, head: j};
        showHead(i, j);
      },
    });
    mount(gridHolder, grid.element);
  }

  let ticket = 0;
  function showHead(layer, head) {
    const mine = ++ticket;
    const byStat = (cells[layer] && cells[layer][head]) || {};
    const rows = statistics.map((st) => {
      const r = byStat[st];
      if (!r) return null;
      return h('tr', {dataset: {statistic: st}},
        h('th', {scope: 'row'}, statisticName(st)),
        h('td', {class: 'num'}, num(r.median_now)),
        h('td', {class: 'num'}, num(r.baseline_median)),
        h('td', {class: 'num'}, num(r.baseline_mad)),
        h('td', {class: 'num z'}, fmtZ(r.z)),
        h('td', null, numberLine(r.median_now, r.baseline_median, r.baseline_mad, 'median now')));
    });
    const any = Object.values(byStat)[0];
    mount(detail,
      h('h3', null, 'Layer ' + layer + ', head ' + head),
      h('table', {class: 'data head-stats'},
        h('caption', {class: 'visually-hidden'}, 'Statistics of layer ' + layer + ' head ' + head),
        h('thead', null, h('tr', null,
          h('th', {scope: 'col'}, 'statistic'),
          h('th', {scope: 'col', class: 'num'}, 'now'),
          h('th', {scope: 'col', class: 'num'}, 'baseline'),
          h('th', {scope: 'col', class: 'num'}, 'MAD'),
          h('th', {scope: 'col', class: 'num'}, 'z'),
          h('th', {scope: 'col'}, 'against the baseline'))),
        h('tbody', null, rows)),
      note('“Now” is the median of the ' + (any ? any.recent_count + ' ' : '') +
          'snapshots of predictions made in the last ' + settingDuration(heads.now_seconds) +
          ' (the collector’s baseline-now); “baseline” and “MAD” are the median and median ' +
          'absolute deviation of the ' + (any ? any.baseline_count : 'older') +
          ' snapshots before them. In the pictures, the ' +
          'bands are the baseline median ± 1, 2 and 3 robust standard deviations (1.4826 × MAD), ' +
          'the bar is the baseline median and the dot is now. The API reports medians and MADs, ' +
          'not every value, so these summarise the distributions rather than draw them in full.'));
    // The distributions themselves, where the collector serves them.
    getJson('/api/models/' + encoded + '/heads/' + layer + '/' + head).then((values) => {
      if (mine !== ticket) return;
      for (const st of values.statistics) {
        const cell = detail.querySelector('tr[data-statistic="' + CSS.escape(st.statistic) + '"] td:last-child');
        if (cell) mount(cell, histogramChart(st, null, null));
      }
      const header = detail.querySelector('table.head-stats thead th:last-child');
      if (header) header.textContent = 'baseline and now';
      const explain = detail.querySelector('.note');
      if (explain) {
        mount(explain, '“Now” is the snapshots of predictions made in the last ' +
            settingDuration(values.now_seconds) + ', the baseline the older ones of the window. ' +
            'Pictures: the baseline’s values as bars, now’s as a line, over ' +
            'the same bins and each scaled to its own count, so that their shapes compare.');
      }
    }).catch(() => {
      // An older collector: the number lines stay.
    });
  }

  select.addEventListener('change', () => {
    statistic = select.value;
    const p = new URLSearchParams(window.location.search);
    p.set('statistic', statistic);
    window.history.replaceState(null, '', '?' + p.toString());
    drawGrid();
  });
  drawGrid();

  mount(content(), about,
    section('heads', 'Heads against their baseline',
      h('div', {class: 'controls'}, h('label', {for: 'statistic'}, 'Statistic '), select),
      hasBaseline ? null : note('No baseline yet: the model needs more snapshots (the ' +
          'collector’s baseline-min, 20 by default) older than the last ' +
          settingDuration(heads.now_seconds) + '. The grid fills in as they arrive.'),
      h('div', {class: 'split'}, h('div', null, gridHolder,
        legend('z', DEVIATION_LEGEND, deviationRgb, (v) => v === 20 ? '≥ 20' : String(v))),
      detail)));
});
