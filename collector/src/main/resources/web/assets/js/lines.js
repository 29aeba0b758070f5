// One head's attention map as lines, in the manner of BertViz's head view: tokens on the left
// attend to tokens on the right; a line's opacity is the weight. Pointing at or focusing a token
// shows only its lines. Weights below 1% are not drawn, and at most the 16 strongest per token.
import {s, h} from './dom.js';
import {weightRgb, css} from './colour.js';
import {num} from './format.js';

const MIN_WEIGHT = 0.01;
const PER_ROW = 16;

export function attentionLines(weights, labels) {
  const n = weights.length;
  const rowH = n <= 20 ? 24 : n <= 40 ? 20 : n <= 80 ? 14 : 10;
  const font = Math.min(13, rowH - 4);
  const width = 640;
  const left = 220;
  const right = 420;
  const top = 24;
  const height = top + n * rowH + 8;
  const y = (i) => top + i * rowH + rowH / 2;

  const lines = s('g', {class: 'ln-all'});
  for (let i = 0; i < n; i++) {
    const strongest = weights[i].map((w, j) => [w, j]).filter(([w]) => w >= MIN_WEIGHT)
      .sort((a, b) => b[0] - a[0]).slice(0, PER_ROW);
    for (const [w, j] of strongest) {
      lines.appendChild(s('line', {
        class: 'ln', x1: left + 6, y1: y(i), x2: right - 6, y2: y(j),
        stroke: css(weightRgb(Math.max(w, 0.35))), 'stroke-opacity': Math.min(1, 0.08 + w).toFixed(3),
        'stroke-width': (1 + 3 * w).toFixed(2), dataset: {q: i, k: j},
      }));
    }
  }
  const svg = s('svg', {
    class: 'lines', width, height, viewBox: '0 0 ' + width + ' ' + height,
    role: 'group', 'aria-label': 'Attention as lines between ' + n + ' tokens',
  },
  s('text', {x: left, y: 14, 'text-anchor': 'end', class: 'ln-head'}, 'token'),
  s('text', {x: right, y: 14, class: 'ln-head'}, 'attends to'),
  lines);
  const readout = h('p', {class: 'readout', 'aria-live': 'polite'},
    'Point at or focus a token to see only its lines.');

  function activate(side, index) {
    svg.classList.add('has-active');
    for (const l of lines.children) {
      const on = side === 'q' ? Number(l.dataset.q) === index : Number(l.dataset.k) === index;
      l.classList.toggle('on', on);
    }
    for (const t of svg.querySelectorAll('.tok')) {
      t.classList.toggle('active', t.dataset.side === side && Number(t.dataset.i) === index);
    }
    if (side === 'q') {
      const top3 = weights[index].map((w, j) => [w, j]).sort((a, b) => b[0] - a[0]).slice(0, 3);
      readout.textContent = 'Token ' + index + ' “' + labels[index] + '” attends most to ' +
          top3.map(([w, j]) => '“' + labels[j] + '” (' + j + ') ' + num(w, 3)).join(', ') + '.';
    } else {
      let total = 0;
      for (let i = 0; i < n; i++) total += weights[i][index];
      readout.textContent = 'Token ' + index + ' “' + labels[index] + '” receives ' +
          num(total, 3) + ' of the ' + n + ' tokens’ attention in total.';
    }
  }
  function clear() {
    svg.classList.remove('has-active');
    for (const l of lines.children) l.classList.remove('on');
    for (const t of svg.querySelectorAll('.tok.active')) t.classList.remove('active');
  }
  for (const [side, x, anchor] of [['q', left, 'end'], ['k', right, 'start']]) {
    for (let i = 0; i < n; i++) {
      const label = labels[i];
      const t = s('text', {
        class: 'tok', x, y: y(i) + font / 3, 'text-anchor': anchor, 'font-size': font,
        tabindex: '0', dataset: {side, i},
        'aria-label': (side === 'q' ? 'token ' : 'attended token ') + i + ': ' + label,
      }, label.length > 24 ? label.slice(0, 23) + '…' : label);
      t.addEventListener('mouseenter', () => activate(side, i));
      t.addEventListener('focus', () => activate(side, i));
      t.addEventListener('mouseleave', clear);
      t.addEventListener('blur', clear);
      svg.appendChild(t);
    }
  }
  return h('figure', {class: 'lineview', dataset: {tokens: n}},
    h('div', {class: 'ln-scroll'}, svg), readout);
}
