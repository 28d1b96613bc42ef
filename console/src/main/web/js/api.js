// Every call goes through the gateway's REST/SSE with the bearer token, as any client's would.
import { ApiError, fromResponse, fromStatus } from './errors.js';
import { token } from './session.js';

function url(path, query) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query || {})) {
    if (value === undefined || value === null || value === '') continue;
    for (const one of Array.isArray(value) ? value : [value]) params.append(name, String(one));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function headers(extra = {}) {
  const value = token();
  return value ? { Authorization: `Bearer ${value}`, ...extra } : extra;
}

/** One REST call; resolves to the JSON body, rejects with an ApiError in words. `what` names it in errors. */
export async function call(method, path, { query, body, what, signal } = {}) {
  let response;
  try {
    response = await fetch(url(path, query), {
      method,
      headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      cache: 'no-store',
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, undefined, e.message, what);
  }
  if (!response.ok) throw await fromResponse(response, what);
  return response.status === 204 ? {} : response.json();
}

export const get = (path, options) => call('GET', path, options);

/**
 * Reads a server stream as SSE over fetch (EventSource cannot send the Authorization header). Calls
 * `onMessage(json)` for each event; `onMessage` may return a promise, and the next event is read only once it
 * settles, so a slow consumer (a replay at 1x) slows the gateway's upstream instead of piling events up here.
 * Resolves when the stream ends; rejects with an ApiError on an HTTP error or an `event: error`.
 */
export async function stream(path, query, onMessage, { signal, what } = {}) {
  let response;
  try {
    response = await fetch(url(path, query), {
      headers: headers({ Accept: 'text/event-stream' }),
      signal,
      cache: 'no-store',
    });
  } catch (e) {
    if (e.name === 'AbortError') return;
    throw new ApiError(0, undefined, e.message, what);
  }
  if (!response.ok) throw await fromResponse(response, what);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      pending += value;
      let end;
      while ((end = pending.indexOf('\n\n')) >= 0) {
        const block = pending.slice(0, end);
        pending = pending.slice(end + 2);
        const event = parseEvent(block);
        if (!event) continue;
        if (event.type === 'error') throw fromStatus(JSON.parse(event.data), what);
        await onMessage(JSON.parse(event.data), event.id);
      }
    }
  } catch (e) {
    if (e.name === 'AbortError') return;
    if (e instanceof ApiError) throw e;
    throw new ApiError(0, undefined, e.message, what);
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** One SSE block → {type, data, id}; comments (heartbeats) and empty blocks → null. */
function parseEvent(block) {
  let type = 'message';
  let id;
  const data = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  }
  return data.length ? { type, data: data.join('\n'), id } : null;
}

/**
 * Keeps a live stream open: reconnects after an error with a growing pause (1 s to 30 s), reporting each error
 * through `onError` and each (re)connection through `onOpen`. Returns a function that stops it.
 */
export function follow(path, query, onMessage, { what, onError, onOpen } = {}) {
  const controller = new AbortController();
  let pause = 1000;
  (async () => {
    while (!controller.signal.aborted) {
      try {
        if (onOpen) onOpen();
        await stream(path, query, (message) => { pause = 1000; onMessage(message); }, { signal: controller.signal, what });
      } catch (e) {
        if (onError) onError(e);
        if (e.status === 401 || e.status === 403 || e.unavailableYet) return; // retrying cannot help
      }
      if (controller.signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 30000);
    }
  })();
  return () => controller.abort();
}
