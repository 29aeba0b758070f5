// Building DOM without markup strings: every value becomes a text node or an attribute value,
// never HTML. The pages' Content-Security-Policy (Trusted Types, no policy) makes assigning a string as
// inner HTML throw, so a slip here fails loudly instead of becoming an injection.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An HTML element: h('a', {href: '/x', class: 'y'}, 'text', child, [more]). */
export function h(tag, props, ...children) {
  return build(document.createElement(tag), props, children);
}

/** An SVG element, same form as h(). */
export function s(tag, props, ...children) {
  return build(document.createElementNS(SVG_NS, tag), props, children);
}

function build(el, props, children) {
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') {
        el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
      } else if (key === 'text') {
        el.textContent = String(value);
      } else if (key === 'on') {
        for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
      } else if (key === 'dataset') {
        for (const [k, v] of Object.entries(value)) {
          if (v !== null && v !== undefined) el.dataset[k] = String(v);
        }
      } else if (key === 'style') {
        // CSSOM, which the policy allows (a style="" attribute would be blocked).
        for (const [k, v] of Object.entries(value)) el.style.setProperty(k, String(v));
      } else if (key === 'href') {
        el.setAttribute('href', safeHref(value));
      } else {
        el.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** Same-site paths and http(s) URLs only; anything else (javascript:, data:) becomes '#'. */
export function safeHref(value) {
  const text = String(value);
  if (text.startsWith('/') && !text.startsWith('//')) return text;
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
  } catch (e) {
    // not a URL
  }
  return '#';
}

/** Replaces an element's children. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** A section with a heading, for the pages' cards. */
export function section(id, title, ...children) {
  return h('section', {class: 'card', id, 'aria-labelledby': id + '-title'},
    h('h2', {id: id + '-title'}, title), ...children);
}

/** A short explanation or "not available" note. */
export function note(...children) {
  return h('p', {class: 'note'}, ...children);
}

/**
 * A definition list from [term, value, class] entries; values may be nodes. Null values are
 * skipped; class 'wide' spans two columns.
 */
export function facts(pairs, cls) {
  const dl = h('dl', {class: ['facts', cls]});
  for (const [term, value, cls] of pairs) {
    if (value === null || value === undefined) continue;
    dl.appendChild(h('div', {class: cls}, h('dt', null, term), h('dd', null, value)));
  }
  return dl;
}
