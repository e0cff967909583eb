// The REST API as the console calls it. The bearer lives in this tab's sessionStorage only: it is never a cookie
// (so no other site can make the browser send it: nothing to forge cross-site) and it is gone with the tab.
const TOKEN = 'mnemo.token';
const ADMIN = 'mnemo.admin';

export const session = {
  token: () => sessionStorage.getItem(TOKEN),
  admin: () => sessionStorage.getItem(ADMIN) === 'yes',
  signIn(token, admin) {
    sessionStorage.setItem(TOKEN, token);
    sessionStorage.setItem(ADMIN, admin ? 'yes' : 'no');
  },
  signOut() {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(ADMIN);
  },
};

/** A refusal of the gateway: its status and {code, detail, request_id} body. */
export class ApiError extends Error {
  constructor(status, body, text) {
    super(body?.detail ?? (text || `HTTP ${status}`));
    this.status = status;
    this.body = body;
    this.code = body?.code ?? `http_${status}`;
    this.requestId = body?.request_id;
  }
}

/** Sends a request with the session's bearer; JSON in and out (a FormData body goes as multipart). */
export async function api(method, path, body, token = session.token()) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers, body: payload, credentials: 'omit', cache: 'no-store' });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) throw new ApiError(response.status, json, text);
  return json ?? text;
}

export const get = (path, token) => api('GET', path, undefined, token);
export const post = (path, body) => api('POST', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);

/** A path with a query string of the non-empty parameters. */
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(name, value);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

export const id = encodeURIComponent;
