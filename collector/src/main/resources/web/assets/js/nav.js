// The header every page shares: marks the current section and turns the trace-id box into a jump
// to /predictions/{trace_id}, with a clear message when the text is not a trace id.
import {TRACE_ID, PREDICTION_ID} from './api.js';
import {h, mount, note} from './dom.js';
import {getJson, ApiError} from './api.js';

export function initNav(section) {
  for (const a of document.querySelectorAll('.top nav a')) {
    if (a.dataset.section === section) a.setAttribute('aria-current', 'page');
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
    console.error(e);
    const message = e instanceof ApiError ?
      (e.status === 0 ? e.message : 'The collector answered ' + e.status + ': ' + e.message) :
      'This page failed: ' + e.message;
    mount(content(), h('div', {class: 'problem', role: 'alert'}, h('p', null, message)),
      note('Reload the page to try again.'));
  }
}

export {getJson};
