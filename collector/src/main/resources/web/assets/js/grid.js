// The layer x head grid: one button per head, coloured by a value, with a legend. Arrow keys move
// between heads (one tab stop for the whole grid), Enter or Space chooses one.
import {h} from './dom.js';
import {css, textOn} from './colour.js';

/**
 * options: layers, heads, caption, cell(layer, head) -> {value, text, label, marked},
 * rgb(value) -> [r, g, b], onSelect(layer, head), selected {layer, head} or null.
 * Returns {element, select(layer, head)}.
 */
export function headGrid(options) {
  const {layers, heads, caption, cell, rgb, onSelect} = options;
  const dense = heads > 16;
  const buttons = [];
  let current = options.selected || null;

  const head = h('tr', null, h('th', {scope: 'col', class: 'corner'}, 'layer \\ head'));
  for (let j = 0; j < heads; j++) head.appendChild(h('th', {scope: 'col'}, String(j)));
  const body = h('tbody');
  for (let i = 0; i < layers; i++) {
    const row = h('tr', null, h('th', {scope: 'row'}, String(i)));
    buttons.push([]);
    for (let j = 0; j < heads; j++) {
      const c = cell(i, j);
      const colour = rgb(c.value);
      const button = h('button', {
        type: 'button',
        class: ['cell', c.marked && 'marked'],
        tabindex: '-1',
        'aria-label': c.label,
        'aria-pressed': 'false',
        title: c.label,
        dataset: {layer: i, head: j, value: c.value === null || c.value === undefined ? '' : c.value},
        style: {'background-color': css(colour), color: textOn(colour)},
        on: {click: () => choose(i, j, true)},
      }, dense ? '' : c.text);
      buttons[i].push(button);
      row.appendChild(h('td', null, button));
    }
    body.appendChild(row);
  }
  const table = h('table', {class: ['head-grid', dense && 'dense']},
    h('caption', null, caption), h('thead', null, head), body);
  table.addEventListener('keydown', (e) => {
    const b = e.target.closest('button.cell');
    if (!b) return;
    let i = Number(b.dataset.layer);
    let j = Number(b.dataset.head);
    if (e.key === 'ArrowRight') j = Math.min(heads - 1, j + 1);
    else if (e.key === 'ArrowLeft') j = Math.max(0, j - 1);
    else if (e.key === 'ArrowDown') i = Math.min(layers - 1, i + 1);
    else if (e.key === 'ArrowUp') i = Math.max(0, i - 1);
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = heads - 1;
    else return;
    e.preventDefault();
    focus(i, j);
  });

  function focus(i, j) {
    for (const row of buttons) for (const b of row) b.tabIndex = -1;
    buttons[i][j].tabIndex = 0;
    buttons[i][j].focus();
  }

  function choose(i, j, fromUser) {
    for (const row of buttons) {
      for (const b of row) {
        b.setAttribute('aria-pressed', 'false');
        b.tabIndex = -1;
      }
    }
    const b = buttons[i] && buttons[i][j];
    if (!b) return;
    b.setAttribute('aria-pressed', 'true');
    b.tabIndex = 0;
    current = {layer: i, head: j};
    if (fromUser && onSelect) onSelect(i, j);
  }

  if (current) choose(current.layer, current.head, false);
  else if (buttons.length && buttons[0].length) buttons[0][0].tabIndex = 0;
  return {element: h('div', {class: 'grid-scroll'}, table), select: (i, j) => choose(i, j, false)};
}

/** A row of swatches: stops are values, rgb maps a value to a colour, label formats it. */
export function legend(title, stops, rgb, label) {
  return h('div', {class: 'legend', role: 'group', 'aria-label': title},
    h('span', {class: 'legend-title'}, title),
    stops.map((v) => h('span', {class: 'legend-item'},
      h('span', {class: 'swatch', 'aria-hidden': 'true', style: {'background-color': css(rgb(v))}}),
      label(v))));
}
