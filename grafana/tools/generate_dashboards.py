#!/usr/bin/env python3
"""Writes grafana/dashboards/*.json. Run from anywhere: python3 grafana/tools/generate_dashboards.py

The JSON files are the product (Grafana imports them); this script is how they are kept uniform:
every panel gets the data-source variable, a unit and a one-line description. DashboardsTest (in
the grafana module) checks the files, not this script.
"""
import json
import os

DS = {"type": "prometheus", "uid": "${datasource}"}
SEL = 'job=~"$service", gen_ai_request_model=~"$model"'
SVC = 'job=~"$service"'
RI = "$__rate_interval"


# The Headwatch collector's pages (docs/pages.md), for links from panels and dashboards. A textbox
# variable: the address the user's browser reaches the collector's API port at.
PAGES = "${headwatch_url:raw}"
PAGES_DEFAULT = "http://127.0.0.1:9464"
MODEL_LABEL = "${__field.labels.gen_ai_request_model:percentencode}"


def pages_variables(trace_box):
    out = [{"type": "textbox", "name": "headwatch_url", "label": "Headwatch pages at",
            "description": "Where your browser reaches the Headwatch collector's pages (its API port); the links to models and predictions use it.",
            "query": PAGES_DEFAULT, "current": {"text": PAGES_DEFAULT, "value": PAGES_DEFAULT},
            "options": [{"selected": True, "text": PAGES_DEFAULT, "value": PAGES_DEFAULT}], "hide": 0}]
    if trace_box:
        out.append({"type": "textbox", "name": "trace_id", "label": "Trace id",
                    "description": "Paste a trace id, then use the link 'Prediction of the trace id' to open its page in Headwatch.",
                    "query": "", "current": {"text": "", "value": ""},
                    "options": [{"selected": True, "text": "", "value": ""}], "hide": 0})
    return out


def model_links(model=MODEL_LABEL):
    """Data links from a series (or a panel repeated per model) to the model's pages."""
    return [{"title": "Heads of this model in Headwatch", "url": f"{PAGES}/models/{model}",
             "targetBlank": True},
            {"title": "Most unusual predictions of this model in this time range (Headwatch)",
             "url": f"{PAGES}/predictions?model={model}&from=${{__from}}&to=${{__to}}",
             "targetBlank": True}]


def dashboard_links(trace_box):
    links = [{"title": "Headwatch", "type": "dashboards", "tags": ["headwatch"],
              "asDropdown": True, "includeVars": True, "keepTime": True},
             {"title": "Models (Headwatch pages)", "type": "link", "url": f"{PAGES}/models",
              "icon": "external link", "targetBlank": True, "tooltip": "The models and their heads"},
             {"title": "Most unusual predictions (Headwatch pages)", "type": "link",
              "url": f"{PAGES}/predictions?from=${{__from}}&to=${{__to}}",
              "icon": "external link", "targetBlank": True,
              "tooltip": "Predictions in this time range, most unusual first"}]
    if trace_box:
        links.append({"title": "Prediction of the trace id", "type": "link",
                      "url": f"{PAGES}/predictions/${{trace_id:percentencode}}",
                      "icon": "external link", "targetBlank": True,
                      "tooltip": "The Headwatch page of the prediction whose trace id is in the Trace id box"})
    return links


def templating(var_metric="headwatch_agent_inferences_total", trace_box=False):
    return {"list": [
        {"type": "datasource", "name": "datasource", "label": "Data source", "query": "prometheus",
         "current": {}, "hide": 0, "includeAll": False, "multi": False, "options": [],
         "refresh": 1, "regex": ""},
        {"type": "query", "name": "service", "label": "Service (job)", "datasource": DS,
         "definition": f"label_values({var_metric}, job)",
         "query": {"query": f"label_values({var_metric}, job)", "refId": "service"},
         "refresh": 2, "includeAll": True, "multi": True, "allValue": ".*", "sort": 1,
         "current": {"selected": True, "text": ["All"], "value": ["$__all"]}, "options": [],
         "hide": 0, "regex": ""},
        {"type": "query", "name": "model", "label": "Model", "datasource": DS,
         "definition": f'label_values({var_metric}{{job=~"$service"}}, gen_ai_request_model)',
         "query": {"query": f'label_values({var_metric}{{job=~"$service"}}, gen_ai_request_model)',
                   "refId": "model"},
         "refresh": 2, "includeAll": True, "multi": True, "allValue": ".*", "sort": 1,
         "current": {"selected": True, "text": ["All"], "value": ["$__all"]}, "options": [],
         "hide": 0, "regex": ""},
    ] + pages_variables(trace_box)}


class Board:
    def __init__(self, uid, title, description, tags, trace_box=False):
        self.uid, self.title, self.description, self.tags = uid, title, description, tags
        self.trace_box = trace_box
        self.panels = []
        self.next_id = 1
        self.x = 0
        self.y = 0
        self.row_h = 0

    def _place(self, w, h):
        if self.x + w > 24:
            self.x = 0
            self.y += self.row_h
            self.row_h = 0
        pos = {"x": self.x, "y": self.y, "w": w, "h": h}
        self.x += w
        self.row_h = max(self.row_h, h)
        return pos

    def row(self, title):
        if self.x:
            self.x = 0
            self.y += self.row_h
            self.row_h = 0
        self.panels.append({"type": "row", "id": self.next_id, "title": title, "collapsed": False,
                            "gridPos": {"x": 0, "y": self.y, "w": 24, "h": 1}, "panels": []})
        self.next_id += 1
        self.y += 1

    def panel(self, ptype, title, description, unit, targets, w=12, h=8, **extra):
        assert "\n" not in description
        refs = "ABCDEFGH"
        tlist = []
        for i, t in enumerate(targets):
            expr, legend = t[0], t[1]
            opts = t[2] if len(t) > 2 else {}
            target = {"refId": refs[i], "datasource": DS, "expr": expr, "legendFormat": legend,
                      "range": not opts.get("instant", False), "instant": opts.get("instant", False)}
            if "format" in opts:
                target["format"] = opts["format"]
            tlist.append(target)
        defaults = {"unit": unit}
        defaults.update(extra.pop("defaults", {}))
        # Series that carry the model label link to the model's Headwatch pages.
        if "links" not in defaults and any("{{gen_ai_request_model}}" in t[1] for t in targets):
            defaults["links"] = model_links()
        p = {"type": ptype, "id": self.next_id, "title": title, "description": description,
             "datasource": DS, "gridPos": self._place(w, h), "targets": tlist,
             "fieldConfig": {"defaults": defaults, "overrides": extra.pop("overrides", [])},
             "options": extra.pop("options", {})}
        p.update(extra)
        self.next_id += 1
        self.panels.append(p)

    def json(self):
        return {
            "uid": self.uid, "title": self.title, "description": self.description,
            "tags": ["headwatch"] + self.tags, "timezone": "browser", "editable": True,
            "graphTooltip": 1, "schemaVersion": 38, "version": 1, "refresh": "30s",
            "time": {"from": "now-3h", "to": "now"}, "timepicker": {},
            "fiscalYearStartMonth": 0, "liveNow": False, "weekStart": "",
            "annotations": {"list": [{"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
                                      "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
                                      "name": "Annotations & Alerts", "type": "dashboard"}]},
            "links": dashboard_links(self.trace_box),
            "templating": templating(trace_box=self.trace_box), "panels": self.panels,
        }


def ts(board, title, description, unit, targets, w=12, h=8, **extra):
    board.panel("timeseries", title, description, unit, targets, w, h, **extra)


def quantiles(metric, by, sel, qs=(0.5, 0.95, 0.99), legend_prefix="{{job}} {{gen_ai_request_model}}"):
    return [(f"histogram_quantile({q}, sum by ({by}, le) (rate({metric}_bucket{{{sel}}}[{RI}])))",
             f"p{int(q * 100)} {legend_prefix}") for q in qs]


def mean(metric, by, sel, window=RI):
    return (f"sum by ({by}) (rate({metric}_sum{{{sel}}}[{window}]))\n/\n"
            f"sum by ({by}) (rate({metric}_count{{{sel}}}[{window}]))")


MODEL_BY = "job, gen_ai_request_model"
GRID_BY = "headwatch_layer, headwatch_head"


def overview():
    b = Board("headwatch-model-overview", "Headwatch / Model overview",
              "Traffic, latency, inputs and outputs of every model the Headwatch agent observes, per service and model.",
              ["overview"], trace_box=True)
    b.row("Traffic and latency")
    ts(b, "Inferences per second",
       "Inference calls (ONNX Runtime runs, DJL predictions) per second, per service and model, sampled or not.",
       "reqps", [(f"sum by ({MODEL_BY}) (rate(headwatch_agent_inferences_total{{{SEL}}}[{RI}]))",
                  "{{job}} {{gen_ai_request_model}}")])
    ts(b, "Inference latency (p50, p95, p99)",
       "Percentiles of the duration of one inference call, from the agent's duration histogram.",
       "s", quantiles("gen_ai_client_operation_duration_seconds", MODEL_BY, SEL))
    b.row("Inputs")
    ts(b, "Input length (p50, p95, p99)",
       "Percentiles of valid (unpadded) input tokens per sequence.",
       "suffix: tokens", quantiles("headwatch_inference_input_tokens", MODEL_BY, SEL), w=8)
    b.panel("heatmap", "Input-length distribution",
            "Input sequences per token-count bucket over time (all selected services and models).",
            "short",
            [(f"sum by (le) (increase(headwatch_inference_input_tokens_bucket{{{SEL}}}[{RI}]))", "{{le}}",
              {"format": "heatmap"})], w=8,
            options={"calculate": False, "yAxis": {"axisPlacement": "left", "unit": "short"},
                     "color": {"mode": "scheme", "scheme": "Oranges", "fill": "dark", "exponent": 0.5, "steps": 64},
                     "cellGap": 1, "tooltip": {"show": True, "yHistogram": False},
                     "legend": {"show": True}, "rowsFrame": {"layout": "auto"}})
    ts(b, "Truncated inputs",
       "Share of input sequences cut at the model's maximum length (DJL's HuggingFace tokenizer) or filling it (ONNX Runtime: the rows of the model's position embeddings).",
       "percentunit",
       [(f"sum by ({MODEL_BY}) (rate(headwatch_inference_input_truncated_total{{{SEL}}}[{RI}]))\n/\n"
         f"sum by ({MODEL_BY}) (rate(headwatch_inference_input_tokens_count{{{SEL}}}[{RI}]))",
         "{{job}} {{gen_ai_request_model}}")], w=8)
    ts(b, "Unknown tokens per input",
       "Mean number of unknown-vocabulary ([UNK]) tokens per tokenized input sequence (DJL only).",
       "suffix: tokens", [(mean("headwatch_inference_input_unknown_tokens", MODEL_BY, SEL),
                           "{{job}} {{gen_ai_request_model}}")], w=8)
    b.row("Outputs (classifiers)")
    ts(b, "Classifier confidence",
       "Top-1 probability of a classifier's answers: mean and 10th percentile (DJL Classifications only).",
       "percentunit",
       [(mean("headwatch_inference_output_confidence", MODEL_BY, SEL), "mean {{job}} {{gen_ai_request_model}}"),
        (f"histogram_quantile(0.1, sum by ({MODEL_BY}, le) (rate(headwatch_inference_output_confidence_bucket{{{SEL}}}[{RI}])))",
         "p10 {{job}} {{gen_ai_request_model}}")], w=8)
    ts(b, "Classifier margin",
       "Mean top-1 minus top-2 probability of a classifier's answers; a small margin is a close call.",
       "percentunit", [(mean("headwatch_inference_output_margin", MODEL_BY, SEL),
                        "{{job}} {{gen_ai_request_model}}")], w=8)
    ts(b, "Classifier output entropy",
       "Mean entropy of a classifier's output divided by ln(classes): 0 = certain, 1 = no preference.",
       "percentunit", [(mean("headwatch_inference_output_entropy", MODEL_BY, SEL),
                        "{{job}} {{gen_ai_request_model}}")], w=8)
    b.row("Errors")
    ts(b, "Non-finite activations",
       "NaN and infinite hidden-state values per second in sampled inferences, per service and model.",
       "cps", [(f"sum by ({MODEL_BY}) (rate(headwatch_activation_nonfinite_total{{{SEL}}}[{RI}]))",
                "{{job}} {{gen_ai_request_model}}")])
    ts(b, "Agent capture errors",
       "Sampled inferences whose capture failed (per service; the agent's drop counter has no model label).",
       "cps", [(f'sum by (job) (rate(headwatch_agent_dropped_total{{{SVC}, headwatch_reason=~"capture_error|capture_unavailable"}}[{RI}]))',
                "{{job}}")])
    return b


def heads():
    b = Board("headwatch-attention-heads", "Headwatch / Attention heads",
              "Every attention head of a model as a layer x head grid, its change against its own history, and the most deviant heads.",
              ["attention"])

    def grid(title, description, unit, expr, scheme, minv=None, maxv=None, w=8):
        defaults = {"color": {"mode": scheme}, "custom": {"cellOptions": {"type": "color-background"},
                                                           "align": "center"}}
        if minv is not None:
            defaults["min"] = minv
            defaults["max"] = maxv
        b.panel("table", title, description, unit,
                [(expr, "", {"instant": True, "format": "table"})], w=w, h=9,
                repeat="model", repeatDirection="h", maxPerRow=3,
                defaults=dict(defaults, links=model_links("${model:percentencode}")),
                transformations=[{"id": "groupingToMatrix", "options": {
                    "columnField": "headwatch_head", "rowField": "headwatch_layer",
                    "valueField": "Value", "emptyValue": "null"}},
                    {"id": "sortBy", "options": {"sort": [{"field": "headwatch_layer\\headwatch_head"}]}}],
                options={"showHeader": True, "cellHeight": "sm"})

    b.row("Statistics per head (mean over the time range; rows: layers, columns: heads)")
    for stat, label, desc in [
        ("entropy", "Entropy", "Mean normalised attention entropy per layer (row) and head (column): 0 = one key, 1 = uniform."),
        ("max_weight", "Max weight", "Mean over queries of the largest attention weight, per layer (row) and head (column)."),
        ("sink_mass", "Sink mass", "Mean attention weight on the first token, per layer (row) and head (column)."),
    ]:
        # The agent's per-head sums over the model's sequence count (default "head" mode), or
        # its per-head histograms (head_histogram, top_k modes): whichever exists.
        grid(f"{label} — $model", desc, "percentunit",
             f"(sum by ({GRID_BY}) (rate(headwatch_attention_head_{stat}_total{{{SEL}}}[$__range]))\n"
             f"/ scalar(sum(rate(headwatch_attention_sequences_total{{{SEL}}}[$__range]))))\n"
             f"or\n"
             f"(sum by ({GRID_BY}) (rate(headwatch_attention_{stat}_sum{{{SEL}}}[$__range]))\n/\n"
             f"sum by ({GRID_BY}) (rate(headwatch_attention_{stat}_count{{{SEL}}}[$__range])))",
             "continuous-BlYlRd", 0, 1)
    b.row("Change against each head's own history (z-score; needs the Headwatch recording rules)")
    for stat, label in [("entropy", "Entropy"), ("max_weight", "Max weight"), ("sink_mass", "Sink mass")]:
        grid(f"{label} z-score — $model",
             f"(mean over 5 min - mean over the 6 h that end 30 min ago) / stddev, per layer and head; |z| > 4 for 10 min alerts.",
             "suffix:σ",
             f'avg by ({GRID_BY}) (head:headwatch_attention:zscore{{{SEL}, statistic="{stat}"}})',
             "continuous-RdYlGr", -6, 6)
    b.row("Most deviant heads")
    b.panel("table", "Most deviant heads now",
            "The 15 (model, layer, head, statistic) with the largest |z| against their own history (recording rule head:headwatch_attention:zscore).",
            "suffix:σ",
            [(f"topk(15, abs(head:headwatch_attention:zscore{{{SEL}}}))", "", {"instant": True, "format": "table"})],
            w=12, h=10,
            defaults={"links": model_links("${__data.fields.gen_ai_request_model:percentencode}")},
            transformations=[{"id": "organize", "options": {"excludeByName": {"Time": True}}},
                             {"id": "sortBy", "options": {"sort": [{"field": "Value", "desc": True}]}}],
            options={"showHeader": True})
    ts(b, "Entropy of the most deviant heads",
       "Mean entropy over 5 minutes (recording rule) of the 5 heads whose entropy z-score is largest now.",
       "percentunit",
       [(f'head:headwatch_attention_entropy:mean5m{{{SEL}}}\nand on (job, gen_ai_request_model, headwatch_layer, headwatch_head)\n'
         f'topk(5, abs(head:headwatch_attention:zscore{{{SEL}, statistic="entropy"}}))',
         "{{gen_ai_request_model}} L{{headwatch_layer}} H{{headwatch_head}}")], w=12, h=10)
    return b


def activations():
    b = Board("headwatch-activations", "Headwatch / Activations",
              "Hidden-state statistics per layer of sampled inferences: absolute maximum, outliers, massive activations, spread, mean and non-finite values.",
              ["activations"])
    by = "job, gen_ai_request_model, headwatch_layer"
    leg = "{{gen_ai_request_model}} layer {{headwatch_layer}}"
    ts(b, "Absolute maximum per layer (p99)",
       "99th percentile over sampled sequences of the largest absolute hidden-state value, per layer.",
       "short", [(f"histogram_quantile(0.99, sum by ({by}, le) (rate(headwatch_activation_abs_max_bucket{{{SEL}}}[{RI}])))", leg)])
    ts(b, "Absolute maximum per layer (mean)",
       "Mean over sampled sequences of the largest absolute hidden-state value, per layer.",
       "short", [(mean("headwatch_activation_abs_max", by, SEL), leg)])
    ts(b, "Outlier fraction per layer (mean)",
       "Mean over sampled sequences of the share of hidden-state values with |x| >= 6 (LLM.int8() outlier features), per layer.",
       "percentunit", [(mean("headwatch_activation_outlier_fraction", by, SEL), leg)])
    ts(b, "Massive activations per layer",
       "Values with |x| > 100 and >= 1000 x the median |x| of their hidden state (Sun et al. 2024), counted in sampled sequences, per layer.",
       "short", [(f"sum by ({by}) (increase(headwatch_activation_massive_total{{{SEL}}}[{RI}]))", leg)])
    ts(b, "Non-finite values per layer",
       "NaN and infinite hidden-state values counted in sampled sequences, per layer (any is a defect).",
       "short", [(f"sum by ({by}, headwatch_site) (increase(headwatch_activation_nonfinite_total{{{SEL}}}[{RI}]))", leg)],
       defaults={"color": {"mode": "fixed", "fixedColor": "red"}})
    ts(b, "Standard deviation per layer (mean)",
       "Mean over sampled sequences of the hidden-state standard deviation, per layer.",
       "short", [(mean("headwatch_activation_std", by, SEL), leg)])
    ts(b, "Mean per layer (latest sampled sequence)",
       "Mean hidden-state value of the latest sampled sequence, per layer (a gauge: no history between samples).",
       "short", [(f"avg by ({by}) (headwatch_activation_mean{{{SEL}}})", leg)])
    return b


def health():
    b = Board("headwatch-health", "Headwatch / Agent and collector health",
              "What the Headwatch agent samples, costs and drops, and what the Headwatch collector receives, refuses and stores.",
              ["health"])
    b.row("Agent")
    ts(b, "Effective sampling rate",
       "Share of inferences whose attention and activations were captured (sampled), per service and model.",
       "percentunit",
       [(f'sum by ({MODEL_BY}) (rate(headwatch_agent_inferences_total{{{SEL}, headwatch_sampled="true"}}[{RI}]))\n/\n'
         f"sum by ({MODEL_BY}) (rate(headwatch_agent_inferences_total{{{SEL}}}[{RI}]))",
         "{{job}} {{gen_ai_request_model}}")], w=8)
    ts(b, "Agent overhead on inference threads",
       "Agent time on the application's inference threads as a share of inference time; the budget is 2%.",
       "percentunit",
       [(f'sum by ({MODEL_BY}) (rate(headwatch_agent_overhead_seconds_sum{{{SEL}, headwatch_phase="inference_thread"}}[{RI}]))\n/\n'
         f"sum by ({MODEL_BY}) (rate(gen_ai_client_operation_duration_seconds_sum{{{SEL}}}[{RI}]))",
         "{{job}} {{gen_ai_request_model}}")], w=8,
       defaults={"thresholds": {"mode": "absolute", "steps": [{"color": "green", "value": None},
                                                               {"color": "red", "value": 0.02}]},
                 "custom": {"thresholdsStyle": {"mode": "line"}}})
    ts(b, "Sampling rate in force",
       "The rate the agent samples at now, per service and model: the configured rate, lowered by the agent to keep its measured cost within its overhead budget.",
       "percentunit", [(f"max by ({MODEL_BY}) (headwatch_agent_sampling_effective_rate_ratio{{{SEL}}})",
                        "{{job}} {{gen_ai_request_model}}")], w=8)
    ts(b, "Agent cost against its budget",
       "The agent's measured cost (inference thread, capture re-runs, statistics) as a share of inference time, averaged over seconds, and the budget it keeps to.",
       "percentunit", [(f"max by ({MODEL_BY}) (headwatch_agent_cost_ratio{{{SEL}}})",
                        "{{job}} {{gen_ai_request_model}} cost"),
                       (f"max by ({MODEL_BY}) (headwatch_agent_cost_budget_ratio{{{SEL}}})",
                        "{{job}} {{gen_ai_request_model}} budget")], w=8)
    ts(b, "Agent time per inference, by phase",
       "Mean agent time per recorded operation: inference thread, capture re-run and statistics (the last two off the application's threads).",
       "s", [(f"sum by (job, headwatch_phase) (rate(headwatch_agent_overhead_seconds_sum{{{SEL}}}[{RI}]))\n/\n"
              f"sum by (job, headwatch_phase) (rate(headwatch_agent_overhead_seconds_count{{{SEL}}}[{RI}]))",
              "{{job}} {{headwatch_phase}}")], w=8)
    ts(b, "Agent drops by reason",
       "Sampled inferences the agent did not capture, per second, by reason (queue_full: the statistics thread is behind).",
       "cps", [(f"sum by (job, headwatch_reason) (rate(headwatch_agent_dropped_total{{{SVC}}}[{RI}]))",
                "{{job}} {{headwatch_reason}}")])
    ts(b, "Sampled inferences per second",
       "Inferences selected for capture per second, per service and model: the work the statistics thread gets.",
       "reqps", [(f'sum by ({MODEL_BY}) (rate(headwatch_agent_inferences_total{{{SEL}, headwatch_sampled="true"}}[{RI}]))',
                  "{{job}} {{gen_ai_request_model}}")])
    b.row("Collector (Headwatch collector only; not filtered by service or model)")
    ts(b, "Export requests received",
       "OTLP export requests the Headwatch collector accepted per second, by signal.",
       "reqps", [(f"sum by (instance, signal) (rate(headwatch_collector_received_total[{RI}]))",
                  "{{instance}} {{signal}}")], w=8)
    ts(b, "Export requests refused",
       "Agent export requests the collector refused per second, by signal and reason: the agents' export errors.",
       "reqps", [(f"sum by (instance, signal, reason) (rate(headwatch_collector_rejected_total[{RI}]))",
                  "{{instance}} {{signal}} {{reason}}")], w=8)
    ts(b, "Items dropped by the collector",
       "Accepted items the collector did not keep, per second, by reason (series limit, invalid snapshot, store or forward errors).",
       "cps", [(f"sum by (instance, reason) (rate(headwatch_collector_dropped_total[{RI}]))",
                "{{instance}} {{reason}}")], w=8)
    ts(b, "Prediction store size",
       "Stored prediction bytes as charged against retention-bytes, and the database file's size on disk.",
       "bytes", [("sum by (instance) (headwatch_collector_store_bytes)", "{{instance}} charged"),
                 ("sum by (instance) (headwatch_collector_store_file_bytes)", "{{instance}} file")], w=8)
    ts(b, "Predictions stored",
       "Predictions (inferences with their snapshots) in the collector's store.",
       "short", [("sum by (instance) (headwatch_collector_store_predictions)", "{{instance}}")], w=8)
    ts(b, "Series exposed and ingest queue",
       "Series the collector exposes from agents' metrics, and export requests waiting in its ingest queue.",
       "short", [("sum by (instance) (headwatch_collector_series)", "{{instance}} series"),
                 ("sum by (instance) (headwatch_collector_ingest_queue_requests)", "{{instance}} queued requests")], w=8)
    return b


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dashboards")
    for board in (overview(), heads(), activations(), health()):
        path = os.path.join(out, board.uid + ".json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(board.json(), f, indent=2, ensure_ascii=False)
            f.write("\n")
        print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
