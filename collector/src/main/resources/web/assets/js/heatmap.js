// One head's attention map as a heatmap: a row per query token, a column per key token, the cell's
// colour its weight. Drawn on a canvas (up to hundreds of tokens); hover or the arrow keys read a
// cell out loud-ready text; a table below gives the strongest keys per token as text.
import {h} from './dom.js';
import {weightRgb, WEIGHT_LEGEND} from './colour.js';
import {legend} from './grid.js';
import {num} from './format.js';

const MAX_SIDE_PX = 600;

/** weights: n arrays of n numbers in [0, 1]; labels: n strings (tokens or positions). */
export function attentionHeatmap(weights, labels) {
  const n = weights.length;
  const cell = Math.max(4, Math.min(36, Math.floor(MAX_SIDE_PX / Math.max(1, n))));
  const side = n * cell;
  const ratio = window.devicePixelRatio || 1;

  const canvas = h('canvas', {
    class: 'hm-canvas',
    width: Math.round(side * ratio),
    height: Math.round(side * ratio),
    tabindex: '0',
    role: 'img',
    'aria-label': 'Attention weights, ' + n + ' by ' + n +
        ' tokens: rows are the tokens attending, columns the tokens attended to. ' +
        'Arrow keys move over the cells.',
    style: {width: side + 'px', height: side + 'px'},
  });
  const readout = h('p', {class: 'readout', 'aria-live': 'polite'},
    'Point at a cell, or focus the map and use the arrow keys.');
  const rowLabels = h('div', {class: 'hm-rows', 'aria-hidden': 'true'},
    labels.map((t, i) => h('span', {class: 'hm-label hm-row-label', title: i + ': ' + t}, t)));
  const colLabels = h('div', {class: 'hm-cols', 'aria-hidden': 'true'},
    labels.map((t, j) => h('span', {class: 'hm-label hm-col-label', title: j + ': ' + t}, t)));
  const grid = h('div', {
    class: ['hm-grid', cell < 10 && 'hm-small'],
    style: {'--cell': cell + 'px'},
  },
  h('div', {class: 'hm-corner'}, h('span', null, 'attends to →'), h('span', null, '↓ token')),
  colLabels, rowLabels, canvas);

  const ctx = canvas.getContext('2d');
  ctx.scale(ratio, ratio);
  function drawCells() {
    for (let i = 0; i < n; i++) {
      const row = weights[i];
      for (let j = 0; j < n; j++) {
        const c = weightRgb(row[j]);
        ctx.fillStyle = 'rgb(' + c[0] + ',' + c[1] + ',' + c[2] + ')';
        ctx.fillRect(j * cell, i * cell, cell, cell);
      }
    }
  }
  drawCells();
  const painted = ctx.getImageData(0, 0, canvas.width, canvas.height);

  let cursor = null;
  function show(i, j) {
    cursor = {i, j};
    ctx.putImageData(painted, 0, 0);
    ctx.strokeStyle = '#e4532f';
    ctx.lineWidth = Math.max(1.5, cell / 8);
    ctx.strokeRect(j * cell + 0.5, i * cell + 0.5, cell - 1, cell - 1);
    const w = weights[i][j];
    readout.textContent = 'Token ' + i + ' “' + labels[i] + '” attends to token ' + j + ' “' +
        labels[j] + '” with weight ' + num(w, 3) + ' (' + num(w * 100, 3) + '% of its attention).';
  }
  canvas.addEventListener('mousemove', (e) => {
    const r = canvas.getBoundingClientRect();
    const j = Math.floor((e.clientX - r.left) / cell);
    const i = Math.floor((e.clientY - r.top) / cell);
    if (i >= 0 && i < n && j >= 0 && j < n && (!cursor || cursor.i !== i || cursor.j !== j)) show(i, j);
  });
  canvas.addEventListener('keydown', (e) => {
    let {i, j} = cursor || {i: 0, j: 0};
    if (cursor) {
      if (e.key === 'ArrowRight') j = Math.min(n - 1, j + 1);
      else if (e.key === 'ArrowLeft') j = Math.max(0, j - 1);
      else if (e.key === 'ArrowDown') i = Math.min(n - 1, i + 1);
      else if (e.key === 'ArrowUp') i = Math.max(0, i - 1);
      else return;
    } else if (!e.key.startsWith('Arrow')) {
      return;
    }
    e.preventDefault();
    show(i, j);
  });

  return h('figure', {class: 'heatmap', dataset: {rows: n, cols: n}},
    h('div', {class: 'hm-scroll'}, grid),
    readout,
    legend('weight', WEIGHT_LEGEND, weightRgb, (v) => num(v, 2)),
    strongestTable(weights, labels));
}

/** The text alternative: for each token, the three tokens it attends to most. */
function strongestTable(weights, labels) {
  const rows = weights.map((row, i) => {
    const order = row.map((w, j) => [w, j]).sort((a, b) => b[0] - a[0]).slice(0, 3);
    return h('tr', null,
      h('th', {scope: 'row'}, i + ' ', h('span', {class: 'tok'}, labels[i])),
      order.map(([w, j]) => h('td', null, h('span', {class: 'tok'}, labels[j]),
        ' (' + j + ') ', h('span', {class: 'weight'}, num(w, 3)))));
  });
  return h('details', {class: 'strongest'},
    h('summary', null, 'As text: the three tokens each token attends to most'),
    h('table', {class: 'data'},
      h('thead', null, h('tr', null, h('th', {scope: 'col'}, 'token'),
        h('th', {scope: 'col'}, 'first'), h('th', {scope: 'col'}, 'second'),
        h('th', {scope: 'col'}, 'third'))),
      h('tbody', null, rows)));
}
