// The tabs (New key & CSR, Inspect): which panel shows, and the keyboard
// (the WAI-ARIA tabs pattern).

import { $ } from './ui.js';

export const TABS = [...document.querySelectorAll('[role="tab"]')];

export function selectTab(tab, focus) {
  for (const t of TABS) {
    const selected = t === tab;
    t.setAttribute('aria-selected', String(selected));
    t.tabIndex = selected ? 0 : -1;
    $(t.getAttribute('aria-controls')).hidden = !selected;
  }
  if (focus) tab.focus();
}

// Arrow keys, Home and End move between tabs (the WAI-ARIA tabs pattern).
export function onTabKey(event) {
  const i = TABS.indexOf(event.target);
  const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: TABS.length - 1 }[event.key];
  if (i < 0 || next === undefined) return;
  event.preventDefault();
  selectTab(TABS[(next + TABS.length) % TABS.length], true);
}
