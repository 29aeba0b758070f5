// One prediction, found by its trace id (or numeric id): verdict and suspects when the collector
// has them, a layer x head grid of this prediction's deviations, the attention map of a chosen
// head (heatmap and lines) when the agent exported one, per-layer activation statistics, input
// and output facts, and the span's attributes. Whatever the collector does not have is said so.
import {h, mount, note, section, facts} from './dom.js';
import {
  getJson, postJson, ApiError, TRACE_ID, PREDICTION_ID, modelHref, comparisonHref, uiConfig,
  traceUrl,
} from './api.js';
import {num, z as fmtZ, timeEl, ago, duration, settingDuration, statisticName, MISSING} from './format.js';
import {deviationRgb, DEVIATION_LEGEND} from './colour.js';
import {headGrid, legend} from './grid.js';
import {numberLine, robustZ, histogramChart} from './baseline.js';
import {attentionHeatmap} from './heatmap.js';
import {attentionLines} from './lines.js';
import {initNav, content, run} from './nav.js';

const MAX = 'max';

initNav('predictions');
run(async () => {
  const key = decodeURIComponent(window.location.pathname.slice('/predictions/'.length));
  const params = new URLSearchParams(window.location.search);
  const title = document.getElementById('page-title');
  if (!TRACE_ID.test(key) && !PREDICTION_ID.test(key)) {
    title.textContent = 'Not a trace id';
    mount(content(), h('div', {class: 'problem', role: 'alert'},
      h('p', null, '“', h('strong', {class: 'mono'}, key), '” is neither a trace id ' +
        '(32 hexadecimal digits) nor a prediction number.')),
    note('Paste a trace id into the box above, or ', h('a', {href: '/predictions'},
      'browse the predictions'), '.'));
    return;
  }
  const idParam = params.get('id');
  const config = await uiConfig();
  let p = null;
  if (idParam && PREDICTION_ID.test(idParam) && TRACE_ID.test(key)) {
    p = await fetchPrediction(idParam);
    if (p && p.trace_id !== key.toLowerCase()) p = null;
  }
  if (!p) p = await fetchPrediction(key.toLowerCase());
  if (!p) {
    notFound(key, config);
    return;
  }
  title.textContent = 'Prediction ';
  title.appendChild(h('span', {class: 'mono title-id'}, p.trace_id));
  document.title = 'Prediction ' + p.trace_id.slice(0, 8) + '… · ' + p.model + ' · Headwatch';

  const baseline = p.heads > 0 ?
    await getJson('/api/models/' + encodeURIComponent(p.model) + '/heads').catch((e) => {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }) : null;
  new PredictionPage(p, baseline, config, params).render();
});

async function fetchPrediction(key) {
  try {
    return await getJson('/api/predictions/' + key);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 400)) return null;
    throw e;
  }
}

function notFound(key, config) {
  document.getElementById('page-title').textContent = 'No such prediction (yet)';
  const link = traceUrl(config, key);
  mount(content(), h('div', {class: 'problem', role: 'alert'},
    h('p', null, 'This collector has no prediction with ' +
      (TRACE_ID.test(key) ? 'trace id ' : 'number '), h('strong', {class: 'mono'}, key), '.')),
  h('p', null, 'Possible reasons:'),
  h('ul', null,
    h('li', null, 'it has not arrived yet: the agent exports in batches, usually within seconds;'),
    h('li', null, 'the inference was not sampled, or the trace has no inference of a ' +
      'model the agent observes;'),
    h('li', null, 'retention has removed it (the collector keeps predictions for its ' +
      'retention-age, and within retention-bytes).')),
  h('p', {class: 'actions'},
    h('button', {type: 'button', on: {click: () => window.location.reload()}}, 'Check again'),
    ' ', h('a', {href: '/predictions'}, 'Browse predictions'),
    link ? h('span', null, ' · ', h('a', {href: link, rel: 'noreferrer'},
      'Open the trace in your tracing UI')) : null));
}

/** Renders one prediction; a batch of several sequences has a snapshot chooser. */
class PredictionPage {
  constructor(p, baseline, config, params) {
    this.p = p;
    this.baseline = baseline;
    this.config = config;
    this.params = params;
    this.snapshots = p.snapshots || [];
    const batch = Number.parseInt(params.get('batch') || '', 10);
    this.snapshot = this.snapshots.find((s) => s.batch_index === batch) || this.snapshots[0] || null;
    this.statistic = MAX;
    this.head = null;
    this.view = params.get('view') === 'lines' ? 'lines' : 'heatmap';
    // baselineCells[layer][head][statistic] = the /heads row
    this.baselineCells = [];
    if (baseline) {
      for (const r of baseline.heads) {
        ((this.baselineCells[r.layer] ||= [])[r.head] ||= {})[r.statistic] = r;
      }
    }
    this.snapshotHolder = h('div', {class: 'snapshot-sections'});
  }

  render() {
    const p = this.p;
    const parts = [this.summary(), this.feedback(), this.verdict()];
    if (this.snapshots.length > 1) parts.push(this.snapshotChooser());
    parts.push(this.snapshotHolder, this.spanAttributes());
    mount(content(), ...parts);
    this.renderSnapshot();
    if (!this.snapshot) {
      mount(this.snapshotHolder, section('heads', 'Heads', note(p.has_span ?
        'Only the span arrived: this inference was not sampled, or its snapshot is still ' +
        'on its way, so there are no statistics to show.' :
        'No snapshot has arrived for this prediction yet.')));
    }
  }

  /**
   * Was this prediction wrong or right? Two buttons post the label (POST
   * /api/predictions/{id}/feedback); a later label replaces the earlier one.
   */
  feedback() {
    const p = this.p;
    const status = h('p', {id: 'feedback-status', role: 'status', 'aria-live': 'polite'});
    const show = (f) => {
      status.textContent = f ? 'Marked ' + f.label + (f.by ? ' by ' + f.by : '') +
        (f.source === 'otel' ? ' (reported by the application)' : '') +
        (f.note ? ': “' + f.note + '”' : '') + '.' : 'Not marked yet.';
    };
    show(p.feedback);
    const noteInput = h('input', {id: 'feedback-note', type: 'text', maxlength: '500',
      autocomplete: 'off', placeholder: 'optional note (500 characters)'});
    const mark = (label) => async () => {
      status.textContent = 'Saving…';
      try {
        const body = {label};
        if (noteInput.value.trim()) body.note = noteInput.value.trim();
        const answer = await postJson('/api/predictions/' + p.id + '/feedback', body);
        p.feedback = answer.feedback;
        show(p.feedback);
      } catch (e) {
        status.textContent = 'Not saved: ' + (e instanceof ApiError && e.status ?
          'the collector answered ' + e.status + ': ' : '') + e.message;
      }
    };
    return section('feedback', 'Feedback',
      h('div', {class: 'feedback-buttons'},
        h('button', {type: 'button', id: 'mark-wrong', on: {click: mark('wrong')}}, 'Mark wrong'),
        ' ',
        h('button', {type: 'button', id: 'mark-right', on: {click: mark('right')}}, 'Mark right'),
        ' ', h('label', {for: 'feedback-note', class: 'visually-hidden'}, 'Note'), noteInput),
      status,
      note('Labels feed the model’s ', h('a', {href: comparisonHref(p.model)},
        'comparison of wrong and right predictions'), '.'));
  }

  summary() {
    const p = this.p;
    const link = traceUrl(this.config, p.trace_id, p.span_id);
    const others = (p.trace_prediction_ids || []).filter((id) => id !== p.id);
    return section('summary', 'Summary', facts([
      ['model', h('a', {href: modelHref(p.model), class: 'model-name'}, p.model)],
      ['service', p.service || MISSING],
      ['instance', p.instance || MISSING],
      ['operation', p.operation || MISSING],
      ['span', p.name || MISSING],
      ['time', h('span', null, timeEl(p.time), ' · ' + ago(p.time))],
      ['duration', duration(p.duration_seconds)],
      ['status', p.status || (p.has_span ? MISSING : 'span not arrived')],
      ['input tokens', p.input_tokens == null ? MISSING : String(p.input_tokens)],
      ['batch size', p.batch_size == null ? MISSING : String(p.batch_size)],
      ['sampled', p.sampled == null ? MISSING : String(p.sampled)],
      ['trace id', h('span', {class: 'mono'}, p.trace_id), 'wide'],
      ['span id', h('span', {class: 'mono'}, p.span_id)],
    ]), h('p', {class: 'actions'}, link ?
      h('a', {href: link, rel: 'noreferrer', id: 'trace-link'}, 'Open this trace in your tracing UI') :
      h('span', {class: 'muted'}, 'No tracing UI link: start the collector with ' +
        '--trace-url-template (for example http://jaeger:16686/trace/{trace_id}).')),
    others.length ? h('p', null, 'Other predictions in this trace: ', others.map((id, i) =>
      h('span', null, i ? ', ' : '', h('a', {href: '/predictions/' + p.trace_id + '?id=' + id},
        '#' + id)))) : null);
  }

  verdict() {
    const p = this.p;
    const v = p.verdict;
    const top = (p.top_heads || [])[0];
    if (!v) {
      return section('verdict', 'Verdict', note('No verdict: this collector does not compute ' +
          'per-prediction verdicts yet, so nothing says whether this prediction is unusual. ' +
          'Its largest deviation is shown instead.'),
      facts([
        ['largest z', fmtZ(p.max_deviation) + (p.max_deviation == null ?
          ' (not scored: no snapshot, or the model’s baseline was still short)' : '')],
        ['at', top ? 'layer ' + top.layer + ', head ' + top.head + ', ' +
          statisticName(top.statistic) + ' = ' + num(top.value) + ' (baseline ' + num(top.median) +
          ' ± ' + num(top.mad) + ' MAD)' : null],
      ]));
    }
    const badge = v.anomalous === true ? h('span', {class: 'badge bad'}, 'anomalous') :
      v.anomalous === false ? h('span', {class: 'badge ok'}, 'normal') :
        h('span', {class: 'badge'}, v.status ? String(v.status) : 'not scored');
    const suspects = Array.isArray(v.suspects) ? v.suspects : [];
    const input = v.input || v.input_verdict || null;
    const line = [badge];
    if (v.kind) line.push(' ', h('span', {class: 'muted'}, String(v.kind)));
    if (v.score != null) line.push(' · score ', num(v.score));
    if (v.tail_probability != null) line.push(' · tail probability ', num(v.tail_probability, 3));
    if (v.threshold != null) line.push(' (threshold ', num(v.threshold), ')');
    if (v.baseline_predictions != null) {
      line.push(' · against ', String(v.baseline_predictions), ' baseline predictions');
    }
    return section('verdict', 'Verdict',
      h('p', {class: 'verdict-line'}, line),
      suspects.length ? this.suspectsTable(suspects) : note('No suspects listed.'),
      input ? this.inputVerdict(input) : null);
  }

  /**
   * The verdict's suspects (docs/api.md#verdict): where, which statistic, the value against what
   * was expected. A suspect with a head chooses that head in the grid and the map.
   */
  suspectsTable(suspects) {
    const known = ['layer', 'head', 'site', 'statistic', 'value', 'expected', 'deviation',
      'surprise', 'nonfinite'];
    if (!suspects.every((x) => Object.keys(x).every((k) => known.includes(k)))) {
      return genericTable('Suspects, strongest first', suspects);
    }
    const rows = suspects.map((x) => {
      const where = x.head === null || x.head === undefined ?
        'layer ' + x.layer : 'layer ' + x.layer + ', head ' + x.head;
      const choose = x.head === null || x.head === undefined ? null :
        h('button', {type: 'button', class: 'link-like', on: {click: () => {
          if (!this.snapshot || this.snapshot.heads === 0) return;
          this.head = {layer: x.layer, head: x.head};
          this.remember();
          if (this.grid) this.grid.select(x.layer, x.head);
          this.showHead();
          this.syncMapControls();
          this.loadMap();
          document.getElementById('heads').scrollIntoView();
        }}}, 'show');
      return h('tr', {class: x.nonfinite ? 'alarm' : null},
        h('th', {scope: 'row'}, where, choose ? ' ' : null, choose),
        h('td', null, x.site == null ? MISSING : String(x.site)),
        h('td', null, x.statistic == null ? MISSING : statisticName(String(x.statistic))),
        h('td', {class: 'num'}, x.nonfinite ? 'NaN/∞' : num(x.value)),
        h('td', {class: 'num'}, num(x.expected)),
        h('td', {class: 'num'}, x.nonfinite ? 'non-finite' : num(x.deviation)),
        h('td', {class: 'num'}, num(x.surprise)));
    });
    return h('table', {class: 'data suspects'},
      h('caption', null, 'Suspects, strongest first'),
      h('thead', null, h('tr', null, ['where', 'site', 'statistic', 'value', 'expected',
        'deviation', 'surprise'].map((t, i) => h('th', {scope: 'col', class: i >= 3 ? 'num' : null}, t)))),
      h('tbody', null, rows));
  }

  /** The input verdict: whether the inputs themselves were unusual, fact by fact. */
  inputVerdict(input) {
    if (typeof input !== 'object') return h('div', null, h('h3', null, 'Inputs'), String(input));
    const facts = Array.isArray(input.facts) ? input.facts : [];
    return h('div', null, h('h3', null, 'Inputs'),
      h('p', null, input.unusual ? h('span', {class: 'badge bad'}, 'the inputs changed') :
        h('span', {class: 'badge ok'}, 'inputs as usual'),
      input.comparable === false ? h('span', {class: 'muted'},
        ' (not comparable with the baseline)') : null),
      facts.length ? h('table', {class: 'data'},
        h('thead', null, h('tr', null, ['fact', 'value', 'expected', 'tail probability', ''].map(
          (t, i) => h('th', {scope: 'col', class: i >= 1 && i <= 3 ? 'num' : null}, t)))),
        h('tbody', null, facts.map((f) => h('tr', {class: f.unusual ? 'alarm' : null},
          h('th', {scope: 'row'}, String(f.fact).replace(/_/g, ' ')),
          h('td', {class: 'num'}, num(f.value)),
          h('td', {class: 'num'}, num(f.expected)),
          h('td', {class: 'num'}, num(f.tail_probability, 3)),
          h('td', null, f.unusual ? 'unusual' : ''))))) : genericFacts(input));
  }

  snapshotChooser() {
    const select = h('select', {id: 'snapshot'}, this.snapshots.map((s) =>
      h('option', {value: s.batch_index}, 'sequence ' + s.batch_index + ' of the batch (' +
        (s.input_tokens == null ? '?' : s.input_tokens) + ' tokens)')));
    select.value = String(this.snapshot.batch_index);
    select.addEventListener('change', () => {
      this.snapshot = this.snapshots.find((s) => String(s.batch_index) === select.value);
      this.remember();
      this.renderSnapshot();
    });
    return h('div', {class: 'controls card'}, h('label', {for: 'snapshot'}, 'Batch sequence '), select);
  }

  renderSnapshot() {
    const s = this.snapshot;
    if (!s) return;
    if (s.heads > 0) {
      const layer = Number.parseInt(this.params.get('layer') || '', 10);
      const head = Number.parseInt(this.params.get('head') || '', 10);
      if (layer >= 0 && layer < s.layers && head >= 0 && head < s.heads) this.head = {layer, head};
      else if (!this.head && s.deviations && s.deviations.length) {
        this.head = {layer: s.deviations[0].layer, head: s.deviations[0].head};
      } else if (!this.head) this.head = {layer: 0, head: 0};
    }
    this.mapHolder = h('div', {id: 'attention-map', 'aria-live': 'polite'});
    this.headDetail = h('div', {id: 'head-detail', class: 'head-detail', 'aria-live': 'polite'});
    mount(this.snapshotHolder,
      s.heads > 0 ? this.headsSection() : section('heads', 'Heads',
        note('This snapshot has no attention statistics (the agent captured activations only).')),
      s.heads > 0 ? this.attentionSection() : null,
      this.activationSection(),
      this.ioSection());
    if (s.heads > 0) {
      this.showHead();
      this.loadMap();
    }
  }

  /** This snapshot's value and the model's baseline now, for one head and statistic. */
  cell(layer, head, statistic) {
    const s = this.snapshot;
    const values = s.statistics && s.statistics.attention && s.statistics.attention[statistic];
    const value = values ? values[layer * s.heads + head] : null;
    const b = this.baselineCells[layer] && this.baselineCells[layer][head] &&
        this.baselineCells[layer][head][statistic];
    const median = b ? b.baseline_median : null;
    const mad = b ? b.baseline_mad : null;
    return {value, median, mad, z: robustZ(value, median, mad)};
  }

  statistics() {
    const a = (this.snapshot.statistics && this.snapshot.statistics.attention) || {};
    return Object.keys(a);
  }

  headsSection() {
    const s = this.snapshot;
    const stats = this.statistics();
    const hasBaseline = this.baselineCells.length > 0 &&
        (this.baseline.heads || []).some((r) => r.baseline_median !== null);
    const marked = new Set((s.deviations || []).map((d) => d.layer + ':' + d.head));
    const gridHolder = h('div', {class: 'grid-holder'});
    const select = h('select', {id: 'statistic'},
      h('option', {value: MAX}, 'largest over all statistics'),
      stats.map((st) => h('option', {value: st}, statisticName(st))));
    select.value = this.statistic;
    const draw = () => {
      const grid = headGrid({
        layers: s.layers,
        heads: s.heads,
        caption: 'This prediction’s robust z per head against the model’s baseline now (' +
            (this.statistic === MAX ? 'largest over all statistics' : statisticName(this.statistic)) +
            '); outlined: the heads the collector ranked most deviant when it arrived',
        selected: this.head,
        rgb: deviationRgb,
        cell: (i, j) => {
          const best = this.best(i, j);
          const isMarked = marked.has(i + ':' + j);
          return {
            value: best.z,
            text: fmtZ(best.z),
            marked: isMarked,
            label: 'layer ' + i + ', head ' + j + ': ' + (best.z === null ? 'no baseline' :
              'z ' + fmtZ(best.z) + ' (' + statisticName(best.statistic) + ')') +
              (isMarked ? ', among the most deviant at arrival' : ''),
          };
        },
        onSelect: (i, j) => {
          this.head = {layer: i, head: j};
          this.remember();
          this.showHead();
          this.syncMapControls();
          this.loadMap();
        },
      });
      this.grid = grid;
      mount(gridHolder, grid.element);
    };
    select.addEventListener('change', () => {
      this.statistic = select.value;
      draw();
    });
    draw();
    const stored = (s.deviations || []).slice(0, 5).map((d) =>
      h('li', null, 'layer ' + d.layer + ', head ' + d.head + ': ' + statisticName(d.statistic) +
        ' ' + num(d.value) + ' against ' + num(d.median) + ' ± ' + num(d.mad) + ' MAD, z ' +
        fmtZ(d.z)));
    return section('heads', 'Heads of this prediction',
      h('div', {class: 'controls'}, h('label', {for: 'statistic'}, 'Statistic '), select),
      hasBaseline ? null : note('The model has no baseline yet, so no head is scored; the grid ' +
          'fills in once the collector has enough snapshots of this model.'),
      h('div', {class: 'split'},
        h('div', null, gridHolder,
          legend('z', DEVIATION_LEGEND, deviationRgb, (v) => v === 20 ? '≥ 20' : String(v))),
        this.headDetail),
      stored.length ? h('div', null, h('h3', null, 'Most deviant when it arrived'),
        h('ol', {class: 'stored-deviations'}, stored)) : null,
      note('Colours are computed in this page from the prediction’s statistics and the model’s ' +
          'baseline now (/api/models/…/heads); the list above is what the collector scored ' +
          'against the baseline of the time, which can differ.'));
  }

  best(layer, head) {
    if (this.statistic !== MAX) return {...this.cell(layer, head, this.statistic), statistic: this.statistic};
    let best = {z: null, statistic: null};
    for (const st of this.statistics()) {
      const c = this.cell(layer, head, st);
      if (c.z !== null && (best.z === null || c.z > best.z)) best = {...c, statistic: st};
    }
    return best;
  }

  showHead() {
    const {layer, head} = this.head;
    const mine = (this.headTicket = (this.headTicket || 0) + 1);
    const rows = this.statistics().map((st) => {
      const c = this.cell(layer, head, st);
      return h('tr', {dataset: {statistic: st}},
        h('th', {scope: 'row'}, statisticName(st)),
        h('td', {class: 'num'}, num(c.value)),
        h('td', {class: 'num'}, num(c.median)),
        h('td', {class: 'num'}, num(c.mad)),
        h('td', {class: 'num z'}, fmtZ(c.z)),
        h('td', null, numberLine(c.value, c.median, c.mad, 'this prediction')));
    });
    mount(this.headDetail, h('h3', null, 'Layer ' + layer + ', head ' + head),
      h('table', {class: 'data head-stats'},
        h('thead', null, h('tr', null,
          h('th', {scope: 'col'}, 'statistic'),
          h('th', {scope: 'col', class: 'num'}, 'this'),
          h('th', {scope: 'col', class: 'num'}, 'baseline'),
          h('th', {scope: 'col', class: 'num'}, 'MAD'),
          h('th', {scope: 'col', class: 'num'}, 'z'),
          h('th', {scope: 'col'}, 'against the baseline'))),
        h('tbody', null, rows)),
      note('Baseline and MAD: the median and median absolute deviation of the model’s baseline ' +
          'now. Bands: baseline median ± 1, 2 and 3 robust standard deviations (1.4826 × MAD); ' +
          'bar: the baseline median; dot: this prediction.'));
    getJson('/api/models/' + encodeURIComponent(this.p.model) + '/heads/' + layer + '/' + head)
      .then((values) => {
        if (mine !== this.headTicket) return;
        for (const st of values.statistics) {
          const cell = this.headDetail.querySelector(
            'tr[data-statistic="' + CSS.escape(st.statistic) + '"] td:last-child');
          if (cell) {
            mount(cell, histogramChart(st, this.cell(layer, head, st.statistic).value,
              'this prediction'));
          }
        }
        const explain = this.headDetail.querySelector('.note');
        if (explain) {
          mount(explain, 'Baseline and MAD: the median and median absolute deviation of the ' +
              'model’s baseline now. Pictures: the baseline’s values as bars, the predictions of ' +
              'the last ' + settingDuration(values.now_seconds) + ' as a line, each scaled to ' +
              'its own count; the dot is ' +
              'this prediction.');
        }
      }).catch(() => {
        // An older collector: the number lines stay.
      });
  }

  attentionSection() {
    const s = this.snapshot;
    this.layerSelect = h('select', {id: 'map-layer'},
      Array.from({length: s.layers}, (_, i) => h('option', {value: i}, String(i))));
    this.headSelect = h('select', {id: 'map-head'},
      Array.from({length: s.heads}, (_, j) => h('option', {value: j}, String(j))));
    const change = () => {
      this.head = {layer: Number(this.layerSelect.value), head: Number(this.headSelect.value)};
      this.remember();
      if (this.grid) this.grid.select(this.head.layer, this.head.head);
      this.showHead();
      this.loadMap();
    };
    this.layerSelect.addEventListener('change', change);
    this.headSelect.addEventListener('change', change);
    this.viewButtons = ['heatmap', 'lines'].map((v) => h('button', {
      type: 'button', class: 'toggle', id: 'view-' + v, 'aria-pressed': String(this.view === v),
      on: {click: () => {
        this.view = v;
        this.remember();
        for (const b of this.viewButtons) b.setAttribute('aria-pressed', String(b.id === 'view-' + v));
        this.showView();
      }},
    }, v === 'heatmap' ? 'Heatmap' : 'Lines'));
    this.syncMapControls();
    return section('attention', 'Attention over the tokens',
      h('div', {class: 'controls'},
        h('label', {for: 'map-layer'}, 'Layer '), this.layerSelect, ' ',
        h('label', {for: 'map-head'}, 'Head '), this.headSelect, ' ',
        h('span', {class: 'toggles', role: 'group', 'aria-label': 'view'}, this.viewButtons)),
      this.mapHolder);
  }

  syncMapControls() {
    if (!this.layerSelect || !this.head) return;
    this.layerSelect.value = String(this.head.layer);
    this.headSelect.value = String(this.head.head);
  }

  async loadMap() {
    const {layer, head} = this.head;
    const s = this.snapshot;
    const ticket = (this.mapTicket = (this.mapTicket || 0) + 1);
    if (Array.isArray(this.p.maps) && !this.p.maps.some((m) => m.batch_index === s.batch_index)) {
      // The collector lists the maps it has: none for this sequence, so nothing to ask for.
      this.map = null;
      mount(this.mapHolder, h('div', {class: 'absent', id: 'no-map'},
        h('p', null, 'No attention map for this prediction.'),
        note('The agent exports maps for a share of predictions (a few at random, the unusual ' +
            'ones, and all while an operator turns it on); this one has statistics only.')));
      return;
    }
    mount(this.mapHolder, note('Loading the attention map of layer ' + layer + ', head ' + head + '…'));
    let map;
    try {
      map = await getJson('/api/predictions/' + this.p.id + '/attention?batch=' + s.batch_index +
          '&layer=' + layer + '&head=' + head);
    } catch (e) {
      if (ticket !== this.mapTicket) return;
      if (e instanceof ApiError && e.status === 400 && e.parameter === 'id') {
        // A collector from before attention maps reads ".../attention" as a prediction key.
        mount(this.mapHolder, h('div', {class: 'absent', id: 'no-map'},
          h('p', null, 'This collector does not serve attention maps.'),
          note('It is older than the attention-map API (GET /api/predictions/{id}/attention).')));
      } else if (e instanceof ApiError && e.status === 404) {
        mount(this.mapHolder, h('div', {class: 'absent', id: 'no-map'},
          h('p', null, 'No attention map for this prediction.'),
          note('The agent exports maps for a share of predictions (a few at random, the ' +
              'unusual ones, and all while an operator turns it on); this one has statistics ' +
              'only. The collector said: ' + e.message)));
      } else {
        mount(this.mapHolder, h('div', {class: 'problem', role: 'alert'},
          h('p', null, 'The attention map could not be loaded: ' + e.message)));
      }
      return;
    }
    if (ticket !== this.mapTicket) return;
    this.map = map;
    this.showView();
  }

  showView() {
    const map = this.map;
    if (!map || !Array.isArray(map.weights)) return;
    const labels = Array.isArray(map.token_labels) && map.token_labels.length === map.weights.length ?
      map.token_labels.map(String) : map.weights.map((_, i) => String(i));
    const view = this.view === 'lines' ? attentionLines(map.weights, labels) :
      attentionHeatmap(map.weights, labels);
    mount(this.mapHolder,
      h('p', {class: 'map-facts'}, 'Layer ' + map.layer + ', head ' + map.head + ' · ' +
        map.weights.length + ' tokens' + (map.reason ? ' · kept because: ' + map.reason : '') +
        (map.encoding === 'topk_u8' ? ' · only the ' + map.top_k +
          ' strongest weights of each row were kept; the rest show as 0' : '') +
        (Array.isArray(map.token_labels) ? '' : ' · token texts not captured: positions shown')),
      view);
  }

  activationSection() {
    const s = this.snapshot;
    const a = (s.statistics && s.statistics.activation) || {};
    const names = Object.keys(a);
    if (!names.length) {
      return section('activations', 'Activations per layer', note('This snapshot has no ' +
          'activation statistics.'));
    }
    const max = {};
    for (const n of names) max[n] = Math.max(0, ...a[n].filter((v) => v !== null).map(Math.abs));
    const rows = Array.from({length: s.layers}, (_, i) => {
      const bad = a.nonfinite && a.nonfinite[i] > 0;
      return h('tr', {class: bad ? 'alarm' : null, dataset: {layer: i}},
        h('th', {scope: 'row'}, String(i)),
        names.map((n) => {
          const v = a[n][i];
          const share = max[n] > 0 && v !== null ? Math.abs(v) / max[n] : 0;
          return h('td', {class: 'num bar-cell'},
            h('span', {class: 'bar', 'aria-hidden': 'true', style: {width: (share * 100).toFixed(1) + '%'}}),
            h('span', {class: 'bar-text'}, v === null ? 'NaN/∞' : num(v)));
        }));
    });
    const nonfinite = a.nonfinite ? a.nonfinite.findIndex((v) => v > 0) : -1;
    return section('activations', 'Activations per layer',
      nonfinite >= 0 ? h('div', {class: 'problem', role: 'alert'}, h('p', null,
        'Non-finite values (NaN or infinity) first appear in layer ' + nonfinite + '.')) : null,
      h('div', {class: 'table-scroll'}, h('table', {class: 'data activations'},
        h('caption', null, 'Statistics of ' + (s.statistics.activation_site || 'the activations') +
          ' per layer; bars are relative to the largest value in the column'),
        h('thead', null, h('tr', null, h('th', {scope: 'col'}, 'layer'),
          names.map((n) => h('th', {scope: 'col', class: 'num'}, n.replace(/_/g, ' '))))),
        h('tbody', null, rows))),
      note('Baselines for activation statistics are not in this collector’s API yet; compare ' +
          'with other predictions of the model, or with its dashboard in Grafana.'));
  }

  ioSection() {
    const s = this.snapshot;
    const attrs = s.attributes || {};
    const pick = (prefix) => Object.entries({...this.p.attributes, ...attrs})
      .filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length).replace(/_/g, ' '),
        typeof v === 'number' ? num(v) : String(v)]);
    const tokens = Array.isArray(s.tokens) ? s.tokens : null;
    return section('io', 'Input and output',
      facts([['input tokens', s.input_tokens == null ? MISSING : String(s.input_tokens)],
        ...pick('headwatch.input.')]),
      tokens ? h('ol', {class: 'tokens', start: '0', 'aria-label': 'tokens'},
        tokens.map((t, i) => h('li', {title: 'position ' + i}, h('span', {class: 'pos'}, String(i)),
          h('span', {class: 'tok'}, String(t))))) :
        note('Token texts were not captured (the agent sends them only with ' +
            'headwatch.snapshot.tokens=true); maps show positions 0 to n − 1 instead.'),
      h('h3', null, 'Output'),
      pick('headwatch.output.').length ? facts(pick('headwatch.output.')) :
        note('No output facts: the agent reports confidence, margin and entropy for ' +
            'classifier outputs only.'));
  }

  spanAttributes() {
    const p = this.p;
    const spanRows = Object.entries(p.attributes || {});
    const snapRows = this.snapshot ? Object.entries(this.snapshot.attributes || {}) : [];
    return section('attributes', 'Attributes',
      h('h3', null, 'Span'),
      spanRows.length ? kvTable(spanRows) : note(p.has_span ? 'No further span attributes.' :
        'The span has not arrived.'),
      h('h3', null, 'Snapshot'),
      snapRows.length ? kvTable(snapRows) : note('No further snapshot attributes.'));
  }

  remember() {
    const q = new URLSearchParams(window.location.search);
    if (this.snapshot && this.snapshots.length > 1) q.set('batch', this.snapshot.batch_index);
    if (this.head) {
      q.set('layer', this.head.layer);
      q.set('head', this.head.head);
    }
    if (this.view === 'lines') q.set('view', 'lines');
    else q.delete('view');
    window.history.replaceState(null, '', '?' + q.toString());
    this.params = q;
  }
}

function kvTable(rows) {
  return h('table', {class: 'data kv'}, h('tbody', null, rows.map(([k, v]) =>
    h('tr', null, h('th', {scope: 'row', class: 'mono'}, k),
      h('td', null, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))))));
}

function genericFacts(o) {
  return facts(Object.entries(o).map(([k, v]) => [k.replace(/_/g, ' '),
    typeof v === 'number' ? num(v) : typeof v === 'object' && v !== null ? JSON.stringify(v) :
      String(v)]));
}

/** A table of objects whose keys are not fixed (verdict suspects): one column per key seen. */
function genericTable(caption, items) {
  const keys = [];
  for (const it of items) for (const k of Object.keys(it)) if (!keys.includes(k)) keys.push(k);
  return h('table', {class: 'data suspects'}, h('caption', null, caption),
    h('thead', null, h('tr', null, keys.map((k) => h('th', {scope: 'col'}, k.replace(/_/g, ' '))))),
    h('tbody', null, items.map((it) => h('tr', null, keys.map((k) => {
      const v = it[k];
      return h('td', {class: typeof v === 'number' ? 'num' : null}, v === null || v === undefined ?
        MISSING : typeof v === 'number' ? num(v) : typeof v === 'object' ? JSON.stringify(v) :
          String(v));
    })))));
}
