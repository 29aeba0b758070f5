// The header every page shares: marks the current section and turns the trace-id box into a jump
// to /predictions/{trace_id}, with a clear message when the text is not a trace id.
import {TRACE_ID, PREDICTION_ID, getJson, ApiError, apiToken, setApiToken} from './api.js';
import {h, mount, note} from './dom.js';

export function initNav(section) {
  for (const a of document.querySelectorAll('.top nav a')) {
    if (a.dataset.section === section) a.setAttribute('aria-current', 'page');
  }
  if (apiToken()) {
    const nav = document.querySelector('.top nav');
    if (nav) {
      nav.appendChild(h('button', {type: 'button', class: 'link-button', id: 'forget-token',
        on: {click: () => {
          setApiToken('');
          window.location.reload();
        }}}, 'Forget API token'));
    }
  }
  const form = document.getElementById('trace-form');
  const input = document.getElementById('trace-box');
  const error = document.getElementById('trace-error');
  if (!form || !input) return;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = input.value.trim().replace(/^0x/i, '');
    if (TRACE_ID.test(value) || PREDICTION_ID.test(value)) {
      error.textContent = '';
      input.removeAttribute('aria-invalid');
      window.location.assign('/predictions/' + value.toLowerCase());
    } else {
      input.setAttribute('aria-invalid', 'true');
      error.textContent = 'A trace id is 32 hexadecimal digits (0-9, a-f).';
      input.focus();
    }
  });
}

/** Where a page's content goes. */
export function content() {
  return document.getElementById('content');
}

/** Runs a page's loader; shows the API's own error text when it fails. */
export async function run(load) {
  try {
    await load();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      askForToken();
      return;
    }
    console.error(e);
    const message = e instanceof ApiError ?
      (e.status === 0 ? e.message : 'The collector answered ' + e.status + ': ' + e.message) :
      'This page failed: ' + e.message;
    mount(content(), h('div', {class: 'problem', role: 'alert'}, h('p', null, message)),
      note('Reload the page to try again.'));
  }
}

/** The collector wants its API token: a form that keeps it in this tab and reloads. */
function askForToken() {
  const refused = apiToken() !== '';
  const input = h('input', {id: 'api-token', name: 'token', type: 'password', autocomplete: 'off',
    spellcheck: 'false', required: true});
  const form = h('form', {id: 'token-form', class: 'token-form card'},
    h('label', {for: 'api-token'}, 'API token '), input, ' ', h('button', {type: 'submit'}, 'Use it'),
    note('Kept in this browser tab only (session storage) and sent to this collector as ' +
        'Authorization: Bearer with each request of the pages.'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setApiToken(input.value.trim());
    window.location.reload();
  });
  mount(content(), h('div', {class: 'problem', role: 'alert', id: 'token-needed'},
    h('p', null, refused ? 'The collector refused that API token. Check it and try again.' :
      'This collector shows its data only with its API token (its api-token setting).')),
  form);
  input.focus();
}

export {getJson};
