// The collector's JSON API (docs/api.md), as the pages use it.

/** An API answer other than 2xx, or no answer. status 0 means the request itself failed. */
export class ApiError extends Error {
  constructor(status, message, parameter) {
    super(message);
    this.status = status;
    this.parameter = parameter || null;
  }
}

const TIMEOUT_MS = 30000;
const TOKEN_KEY = 'headwatch.api-token';

/**
 * The API token the user gave in this tab, or ''. Session storage: it lives as long as the tab,
 * is never written to disk by the page, and goes only to this collector.
 */
export function apiToken() {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY) || '';
  } catch (e) {
    return '';
  }
}

export function setApiToken(token) {
  if (token) window.sessionStorage.setItem(TOKEN_KEY, token);
  else window.sessionStorage.removeItem(TOKEN_KEY);
}

/** GET a JSON document; throws ApiError with the API's own error text. */
export async function getJson(path) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  const headers = {Accept: 'application/json'};
  const token = apiToken();
  if (token) headers.Authorization = 'Bearer ' + token;
  let response;
  try {
    response = await fetch(path, {headers, signal: abort.signal, credentials: 'omit'});
  } catch (e) {
    throw new ApiError(0, 'the collector did not answer (' + e.message + ')');
  } finally {
    clearTimeout(timer);
  }
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  if (!response.ok) {
    const message = body && typeof body.error === 'string' ? body.error : 'HTTP ' + response.status;
    throw new ApiError(response.status, message, body && body.parameter);
  }
  return body;
}

/**
 * POST a JSON body (the feedback endpoints); returns the JSON answer, throws ApiError otherwise.
 * application/json is what the collector requires of these requests.
 */
export async function postJson(path, body) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  const headers = {'Accept': 'application/json', 'Content-Type': 'application/json'};
  const token = apiToken();
  if (token) headers.Authorization = 'Bearer ' + token;
  let response;
  try {
    response = await fetch(path, {method: 'POST', headers, body: JSON.stringify(body),
      signal: abort.signal, credentials: 'omit'});
  } catch (e) {
    throw new ApiError(0, 'the collector did not answer (' + e.message + ')');
  } finally {
    clearTimeout(timer);
  }
  let answer = null;
  try {
    answer = await response.json();
  } catch (e) {
    answer = null;
  }
  if (!response.ok) {
    const message = answer && typeof answer.error === 'string' ? answer.error :
      'HTTP ' + response.status;
    throw new ApiError(response.status, message, answer && answer.parameter);
  }
  return answer;
}

/** The comparison page of a model: which heads set its wrong predictions apart. */
export function comparisonHref(name) {
  return '/models/' + encodeURIComponent(name) + '/comparison';
}

export const TRACE_ID = /^[0-9a-fA-F]{32}$/;
export const PREDICTION_ID = /^[0-9]{1,18}$/;

/** The page of a model. */
export function modelHref(name) {
  return '/models/' + encodeURIComponent(name);
}

/** The page of one prediction: by trace id, with its numeric id when the trace has several. */
export function predictionHref(p) {
  if (p.trace_id) return '/predictions/' + p.trace_id + (p.id != null ? '?id=' + p.id : '');
  return '/predictions/' + p.id;
}

/** The pages' settings (trace link template). Never fails: a missing config means no link. */
export async function uiConfig() {
  try {
    return await getJson('/ui/config.json');
  } catch (e) {
    return {trace_url_template: null};
  }
}

/** The configured tracing-UI link for a trace, or null. Ids are hex, checked before use. */
export function traceUrl(config, traceId, spanId) {
  const template = config && config.trace_url_template;
  if (!template || !TRACE_ID.test(traceId || '')) return null;
  const span = /^[0-9a-fA-F]{16}$/.test(spanId || '') ? spanId : '';
  return template.split('{trace_id}').join(traceId).split('{span_id}').join(span);
}
