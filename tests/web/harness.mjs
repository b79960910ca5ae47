// What tests/web/page.test.mjs and scripts/bench-web.mjs share: the static
// server (scripts/serve_web.py on a free loopback port), Debian's Chromium
// driven by playwright-core (never a downloaded browser), and a page that
// records every request, page error and console error.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const site = `${root}target/web`;
export const artifacts = `${root}target/web-artifacts`;

// Chromium's flags for a root user on a machine with no outside network:
// without the background-networking ones it keeps trying to reach Google.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** Starts scripts/serve_web.py on 127.0.0.1 and a free port; resolves to { url, stop }. */
export async function startServer(dir = site) {
  const child = spawn('python3', [`${root}scripts/serve_web.py`, dir], {
    env: { ...process.env, PORT: '0', QUIET: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  // Whatever happens to the test process, the server goes with it.
  process.once('exit', stop);
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve_web.py exited (${code}) before serving: ${out}`)));
    setTimeout(() => reject(new Error('serve_web.py did not start within 10 s')), 10_000).unref();
  });
  return {
    url,
    async stop() {
      stop();
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    },
  };
}

/**
 * Python's own file server (`python3 -m http.server`) on 127.0.0.1 and a
 * free port: no headers but the content type, as a plain static host
 * serves the page. Resolves to { url, stop }.
 */
export async function startPlainServer(dir = site) {
  const child = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', dir], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', stop);
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /port (\d+)/.exec(out);
      if (m) resolve(`http://127.0.0.1:${m[1]}/`);
    });
    child.once('exit', (code) => reject(new Error(`http.server exited (${code}) before serving: ${out}`)));
    setTimeout(() => reject(new Error('http.server did not start within 10 s')), 10_000).unref();
  });
  return {
    url,
    async stop() {
      stop();
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    },
  };
}

/** Launches Debian's Chromium headless (CHROMIUM overrides the path). */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * A new context and page on `path` of the site, recording every request
 * (the page's and its workers'), uncaught page errors and console errors.
 */
export async function openPage(browser, baseUrl, path = '', contextOptions = {}) {
  const context = await browser.newContext({ acceptDownloads: true, ...contextOptions });
  const page = await context.newPage();
  const log = { requests: [], pageErrors: [], consoleErrors: [] };
  context.on('request', (r) => log.requests.push({ url: r.url(), method: r.method(), type: r.resourceType() }));
  page.on('pageerror', (e) => log.pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') log.consoleErrors.push(m.text());
  });
  page.on('worker', (w) =>
    w.on('console', (m) => m.type() === 'error' && log.consoleErrors.push(`worker: ${m.text()}`)),
  );
  await page.goto(new URL(path, baseUrl).href);
  return { context, page, log };
}

export function ensureArtifacts() {
  mkdirSync(artifacts, { recursive: true });
  return artifacts;
}
