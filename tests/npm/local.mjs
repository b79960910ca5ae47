// What the package tests start on this machine: child processes, a static
// file server and workerd, all on 127.0.0.1 only.

import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, dirname, extname, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = (name) => join(dirname(fileURLToPath(import.meta.url)), 'node_modules', '.bin', name);

/** Runs `cmd` (killed after 2 minutes); resolves to its stdout, rejects with its output if it fails. */
export function run(cmd, args, cwd, env = process.env) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolveRun(out);
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${err}${out}`));
    });
  });
}

/** fn's result, retried for `ms` while it throws, unless `gaveUp()` says why not to. */
export async function retry(fn, ms, gaveUp = () => null) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      const why = gaveUp();
      if (why) throw new Error(why, { cause: e });
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** A TCP port free on 127.0.0.1 now. */
export function freePort() {
  return new Promise((resolvePort) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolvePort(port));
    });
  });
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/** A workerd config: one Worker of `modules` (capnp module lines) serving HTTP on 127.0.0.1:`port`. */
export function workerdConfig(port, modules) {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ ${modules.join(',\n    ')} ],
  compatibilityDate = "2025-01-01",
);
`;
}

/**
 * A static file server for `dir`; `server.origin` is its URL. HTML pages
 * get the Content-Security-Policy in `server.csp`, if one is set.
 */
export function serve(dir) {
  return new Promise((resolveServe) => {
    const server = createServer((req, res) => {
      const path = resolve(dir, '.' + decodeURIComponent(new URL(req.url, 'http://x').pathname));
      if (!path.startsWith(dir)) return res.writeHead(403).end();
      try {
        const body = readFileSync(path);
        const headers = { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' };
        if (server.csp && extname(path) === '.html') headers['content-security-policy'] = server.csp;
        res.writeHead(200, headers).end(body);
      } catch {
        res.writeHead(404).end();
      }
    }).listen(0, '127.0.0.1', () => {
      server.origin = `http://127.0.0.1:${server.address().port}`;
      resolveServe(server);
    });
  });
}

/**
 * workerd serving a Worker from `project`, where the package is installed:
 * `files` are the Worker's own modules, the first its main one. workerd has
 * no module resolution, so every module is listed by name — the package's
 * files under their node_modules paths, and a module 'certkit' that
 * re-exports its workerd entry, as the package README says. Resolves to
 * `{ port, exited() (workerd's exit code, or null while it runs), stop() }`.
 */
export async function startWorkerd(project, files) {
  const pkg = join(project, 'node_modules/certkit');
  const modules = [
    ...files.map((f) => `(name = "${f}", esModule = embed "${f}")`),
    '(name = "certkit", esModule = "export * from \\"./node_modules/certkit/src/workerd.js\\";")',
  ];
  for (const dir of ['src', 'wasm']) {
    for (const f of readdirSync(join(pkg, dir))) {
      const path = relative(project, join(pkg, dir, f));
      if (f.endsWith('.js')) modules.push(`(name = "${path}", esModule = embed "${path}")`);
      if (f.endsWith('.wasm')) modules.push(`(name = "${path}", wasm = embed "${path}")`);
    }
  }
  const port = await freePort();
  const config = `workerd-${port}.capnp`;
  writeFileSync(join(project, config), workerdConfig(port, modules));
  // Started directly (not through npx), so stopping it stops workerd.
  const child = spawn(bin('workerd'), ['serve', config], { cwd: project, stdio: ['ignore', 'inherit', 'inherit'] });
  let code = null; // it exits at once if a module fails to load
  child.on('exit', (c) => (code = c));
  return { port, exited: () => code, stop: () => child.kill('SIGTERM') };
}
