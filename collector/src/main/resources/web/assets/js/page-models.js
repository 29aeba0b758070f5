// Models: every model with stored predictions, most recently seen first.
import {h, mount, note} from './dom.js';
import {getJson, modelHref} from './api.js';
import {timeEl, ago} from './format.js';
import {initNav, content, run} from './nav.js';

initNav('models');
run(async () => {
  const {models} = await getJson('/api/models');
  if (!models.length) {
    mount(content(), note('No models yet. Point an agent at this collector’s OTLP port ' +
        '(OTEL_EXPORTER_OTLP_ENDPOINT) and its predictions will appear here.'));
    return;
  }
  const rows = models.map((m) => h('tr', {dataset: {model: m.name}},
    h('th', {scope: 'row'}, h('a', {href: modelHref(m.name), class: 'model-name'}, m.name)),
    h('td', null, m.services.length ? m.services.join(', ') : '–'),
    h('td', null, timeEl(m.last_seen), h('span', {class: 'muted'}, ' · ' + ago(m.last_seen))),
    h('td', {class: 'shape'}, m.layers == null ? '–' : m.layers + ' × ' + m.heads),
    h('td', {class: 'num'}, String(m.predictions)),
    h('td', {class: 'num'}, String(m.baseline_snapshots)),
    h('td', null, h('a', {href: '/predictions?model=' + encodeURIComponent(m.name)},
      'most unusual'))));
  mount(content(),
    h('table', {class: 'data models'},
      h('caption', {class: 'visually-hidden'}, 'Models seen in stored predictions'),
      h('thead', null, h('tr', null,
        h('th', {scope: 'col'}, 'model'),
        h('th', {scope: 'col'}, 'services'),
        h('th', {scope: 'col'}, 'last seen'),
        h('th', {scope: 'col'}, 'layers × heads'),
        h('th', {scope: 'col', class: 'num'}, 'predictions stored'),
        h('th', {scope: 'col', class: 'num'}, 'baseline snapshots'),
        h('th', {scope: 'col'}, 'predictions'))),
      h('tbody', null, rows)),
    note('A model’s baseline is its last snapshots (the collector’s baseline-window); its page ' +
        'shows which heads moved away from it.'));
});
