// Small helpers the other modules share: element lookup and creation, a
// field's error slot, the toast, downloads and the clipboard, list
// splitting, certkit errors' field paths, and two call wrappers (debounce,
// and the newest call's answer only).

import { state } from './state.js';

export const $ = (id) => document.getElementById(id);
const DEBOUNCE_MS = 150;

// fn, called DEBOUNCE_MS after the last call; flush() runs it now if due.
export function debounce(fn) {
  let timer = 0;
  const run = () => {
    timer = 0;
    fn();
  };
  const debounced = () => {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  };
  debounced.flush = () => {
    if (!timer) return false;
    clearTimeout(timer);
    run();
    return true;
  };
  return debounced;
}

// Wraps an async function so that only the newest call's outcome is
// delivered: a slow answer to an old input never overwrites a newer one.
// drop() discards the answer to the call in flight.
export function newestOnly(fn, onResult) {
  let seq = 0;
  const call = async (...args) => {
    const mine = ++seq;
    let outcome;
    try {
      outcome = { value: await fn(...args) };
    } catch (error) {
      if (error?.name === 'AbortError') return;
      outcome = { error };
    }
    if (mine === seq) onResult(outcome);
  };
  call.drop = () => seq++;
  return call;
}

// The field path a certkit error names: `error.field` where the package
// sets it, else the message's prefix (`hosts[1] …`, `names[0].C: …`).
export function errorField(error) {
  if (error.field) return error.field;
  return /^([A-Za-z]+(?:\[\d+\])?(?:\.[A-Za-z]+)?)(?::|\s`|\s\d)/.exec(error.message)?.[1] ?? null;
}

export function setError(id, message) {
  const control = $(id);
  const slot = $(`${id}-error`);
  slot.textContent = message ?? '';
  slot.hidden = !message;
  if (!control) return;
  if (message) control.setAttribute('aria-invalid', 'true');
  else control.removeAttribute('aria-invalid');
}

export function toast(message) {
  const el = $('toast');
  el.textContent = message;
  el.classList.add('shown');
  clearTimeout(state.toastTimer);
  state.toastTimer = setTimeout(() => el.classList.remove('shown'), 2500);
}

export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later, not at once: the download reads the blob asynchronously.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function copy(text, what) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard permission (or an old browser): the selection fallback.
    const area = document.createElement('textarea');
    area.value = text;
    area.className = 'vh';
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  toast(`${what} copied`);
}

export function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

export function splitList(text, separators) {
  return text
    .split(separators)
    .map((s) => s.trim())
    .filter(Boolean);
}
