// What the benchmark scripts under bench/wasm share: medians, a bootstrap
// interval of a ratio of medians, and writing one section of BENCHMARKS.md.

import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** 95% interval of median(a) / median(b), resampling both with replacement (a fixed seed: the same data, the same interval). */
export function ratioCi(a, b) {
  let seed = 0x5eed;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  const resample = (xs) => median(Array.from(xs, () => xs[Math.floor(random() * xs.length)]));
  const ratios = Array.from({ length: 2000 }, () => resample(a) / resample(b)).sort((x, y) => x - y);
  return [ratios[50], ratios[1949]];
}

/** Replaces what stands between <!-- NAME:start --> and <!-- NAME:end --> in BENCHMARKS.md with `text`. */
export function writeSection(name, text) {
  const md = join(root, 'BENCHMARKS.md');
  const doc = readFileSync(md, 'utf8');
  const [start, end] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];
  if (!doc.includes(start) || !doc.includes(end)) throw new Error(`BENCHMARKS.md has no ${start} … ${end}`);
  writeFileSync(md, doc.slice(0, doc.indexOf(start) + start.length) + '\n' + text + doc.slice(doc.indexOf(end)));
}
