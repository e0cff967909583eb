// DOM building for every page. Data only ever enters the page as text nodes or property values, never as HTML,
// so a library called "<img onerror=…>" is shown as those characters (the CSP is the second line of defence).

/** An element: attributes set as properties or attributes, "on…" as listeners, children appended as text or nodes. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'value' || name === 'checked') el[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** A link inside the console; ids are URI-encoded so they stay one path segment. */
export function link(text, ...path) {
  return h('a', { href: '#/' + path.map(encodeURIComponent).join('/') }, text);
}

/** A table whose columns are [label, row => cell]; a cell is text, a node or a list of them. */
export function table(columns, rows, attrs = {}) {
  const body = h('tbody');
  const t = h('table', attrs,
    h('thead', {}, h('tr', {}, columns.map(([label]) => h('th', {}, label)))), body);
  addRows(t, columns, rows);
  return t;
}

export function addRows(t, columns, rows) {
  const body = t.tBodies[0];
  for (const row of rows) body.append(h('tr', {}, columns.map(([, cell]) => h('td', {}, cell(row)))));
}

/** A labelled form control. */
export function field(label, control) {
  return h('label', {}, h('span', {}, label), control);
}

export function button(text, onclick, attrs = {}) {
  return h('button', { type: 'button', onclick, ...attrs }, text);
}

/** A one-time secret (a new token or JWT), with the warning that it will not be shown again. */
export function secret(what, value) {
  return h('div', { class: 'secret' },
    h('p', {}, `${what} — copy it now; it is shown only this once:`),
    h('code', { class: 'new-secret' }, value));
}

export function short(id) {
  return id ? String(id).slice(0, 8) + '…' : '';
}

export function when(value) {
  return value ? String(value).replace('T', ' ').replace(/\.\d+/, '').replace(/\[.*\]$/, '') : '';
}

export function list(values) {
  return Array.isArray(values) ? values.join(', ') : '';
}
