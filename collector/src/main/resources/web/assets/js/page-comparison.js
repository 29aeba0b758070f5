// Wrong against right: which heads (and layers) set a model's predictions labelled wrong apart
// from those labelled right (GET /api/models/{model}/comparison; docs/feedback.md). A ranked table,
// the two distributions of the top entries, and links to the predictions behind each label.
import {h, s, mount, note, section, facts} from './dom.js';
import {getJson, modelHref} from './api.js';
import {num, statisticName} from './format.js';
import {initNav, content, run} from './nav.js';

initNav('models');
run(async () => {
  const path = window.location.pathname;
  const name = decodeURIComponent(path.slice('/models/'.length, path.length - '/comparison'.length));
  const encoded = encodeURIComponent(name);
  document.getElementById('page-title').textContent = 'Wrong against right: ' + name;
  document.title = 'Wrong against right · ' + name + ' · Headwatch';
  const c = await getJson('/api/models/' + encoded + '/comparison?limit=50');
  const links = h('p', {class: 'links'},
    h('a', {href: c.predictions.wrong_page, id: 'wrong-link'},
      c.labelled.wrong + ' predictions marked wrong'), ' · ',
    h('a', {href: c.predictions.right_page, id: 'right-link'},
      c.labelled.right + ' marked right'), ' · ',
    h('a', {href: modelHref(name)}, 'the model’s heads'));
  const about = section('about', 'Labels', facts([
    ['marked wrong', String(c.labelled.wrong)],
    ['marked right', String(c.labelled.right)],
    ['compared', 'the ' + c.max_predictions + ' most recently labelled predictions at most, ' +
        'within input-length strata'],
    ['significance', 'Benjamini–Hochberg q ≤ ' + c.alpha + ' over ' + c.tested + ' entries tested'],
  ]), links);
  if (c.status === 'too_few_labels') {
    mount(content(), about, section('ranking', 'Ranking', h('p', {id: 'too-few', role: 'status'},
      'Too few labels to compare: each group needs at least ' + c.min_per_group +
      ' labelled predictions (now ' + c.labelled.wrong + ' wrong, ' + c.labelled.right +
      ' right). Mark predictions on their pages, or post labels to /api/feedback.')));
    return;
  }
  mount(content(), about, ranking(c), evidence(c));
});

function where(e) {
  if (e.head === null) return 'layer ' + e.layer + ' (' + e.site.replace('_', ' ') + ')';
  return 'layer ' + e.layer + ' head ' + e.head + (e.site === 'head_output' ? ' (output)' : '');
}

function ranking(c) {
  if (!c.entries.length) {
    return section('ranking', 'Ranking', note('No statistic varied enough to be compared.'));
  }
  const rows = c.entries.map((e) => h('tr', {class: e.significant ? 'significant' : null,
    dataset: {layer: e.layer, head: e.head, statistic: e.statistic}},
    h('td', {class: 'num'}, String(e.rank)),
    h('th', {scope: 'row'}, where(e)),
    h('td', null, statisticName(e.statistic)),
    h('td', {class: 'num'}, num(e.auc, 3) + ' [' + num(e.auc_low, 3) + ', ' + num(e.auc_high, 3) + ']'),
    h('td', {class: 'num'}, num(e.cliffs_delta, 3) + ' [' + num(e.delta_low, 3) + ', ' +
      num(e.delta_high, 3) + ']'),
    h('td', {class: 'num'}, fmtP(e.p_value)),
    h('td', {class: 'num'}, fmtP(e.q_value)),
    h('td', null, e.significant ? 'yes' : 'no'),
    h('td', {class: 'num'}, num(e.wrong_median) + ' / ' + num(e.right_median))));
  return section('ranking', 'Ranking',
    note(c.significant + ' of ' + c.tested + ' entries separate wrong from right at q ≤ ' +
      c.alpha + '. AUC: the chance that a wrong prediction has the larger value than a right ' +
      'one of similar length (0.5: no difference). Cliff’s delta = 2·AUC − 1. Brackets: 95 % ' +
      'confidence intervals.'),
    h('div', {class: 'table-scroll'}, h('table', {class: 'data comparison', id: 'ranking-table'},
      h('caption', {class: 'visually-hidden'}, 'Entries ranked by how well they separate'),
      h('thead', null, h('tr', null,
        h('th', {scope: 'col', class: 'num'}, '#'),
        h('th', {scope: 'col'}, 'where'),
        h('th', {scope: 'col'}, 'statistic'),
        h('th', {scope: 'col', class: 'num'}, 'AUC [95 %]'),
        h('th', {scope: 'col', class: 'num'}, 'Cliff’s delta [95 %]'),
        h('th', {scope: 'col', class: 'num'}, 'p'),
        h('th', {scope: 'col', class: 'num'}, 'q'),
        h('th', {scope: 'col'}, 'significant'),
        h('th', {scope: 'col', class: 'num'}, 'median wrong / right'))),
      h('tbody', null, rows))));
}

function fmtP(p) {
  if (p === null || p === undefined) return '–';
  return p < 1e-4 ? p.toExponential(1) : num(p, 3);
}

function evidence(c) {
  const items = c.evidence.map((e, i) => h('figure', {class: 'evidence', id: 'evidence-' + i},
    h('figcaption', null, (i + 1) + '. ' + where(e) + ', ' + statisticName(e.statistic)),
    histogram(e),
    facts([
      ['wrong', e.wrong.count + ' values, median ' + num(e.wrong.p50) + ', middle half ' +
        num(e.wrong.p25) + ' to ' + num(e.wrong.p75)],
      ['right', e.right.count + ' values, median ' + num(e.right.p50) + ', middle half ' +
        num(e.right.p25) + ' to ' + num(e.right.p75)],
    ])));
  return section('evidence', 'Distributions of the top entries',
    note('Right predictions as bars, wrong ones as a line, over the same bins; each scaled to ' +
      'its own count so that their shapes compare.'), ...items);
}

function histogram(e) {
  const width = 320;
  const height = 70;
  const pad = 8;
  const edges = e.histogram.edges;
  const lo = edges[0];
  const hi = edges[edges.length - 1];
  const x = (v) => pad + (width - 2 * pad) * (v - lo) / (hi - lo);
  const total = (counts) => counts.reduce((a, b) => a + b, 0) || 1;
  const right = e.histogram.right.map((n) => n / total(e.histogram.right));
  const wrong = e.histogram.wrong.map((n) => n / total(e.histogram.wrong));
  const top = Math.max(...right, ...wrong, 1e-9);
  const base = 52;
  const y = (d) => base - 46 * d / top;
  const children = [];
  right.forEach((d, i) => {
    if (d > 0) {
      children.push(s('rect', {class: 'hist-base', x: x(edges[i]), y: y(d),
        width: Math.max(0.5, x(edges[i + 1]) - x(edges[i]) - 0.5), height: base - y(d)}));
    }
  });
  let path = '';
  wrong.forEach((d, i) => {
    path += (i === 0 ? 'M' : 'L') + x(edges[i]).toFixed(1) + ' ' + y(d).toFixed(1) +
        ' L' + x(edges[i + 1]).toFixed(1) + ' ' + y(d).toFixed(1) + ' ';
  });
  children.push(s('path', {class: 'hist-now', d: path}));
  children.push(s('line', {class: 'axis-line', x1: pad, x2: width - pad, y1: base, y2: base}));
  children.push(s('text', {class: 'axis', x: pad, y: 66}, num(lo, 3)));
  children.push(s('text', {class: 'axis', x: width - pad, y: 66, 'text-anchor': 'end'}, num(hi, 3)));
  const said = 'right: median ' + num(e.right.p50) + '; wrong: median ' + num(e.wrong.p50);
  return s('svg', {width, height, class: 'histogram', role: 'img', 'aria-label': said},
    s('title', null, said), ...children);
}
