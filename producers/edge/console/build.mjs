// Writes the servable console into one flat directory that ocms-edge serves under /ops:
//   node build.mjs [OUT]      (npm run build -- OUT)
// OUT: the argument, else $OCMS_CONSOLE_DIR, else <repo>/build/console.
// Needs `npm ci` first (Pico comes from node_modules). Refuses a file that names anything
// outside the page's own origin, so nothing is fetched at run time.
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..', '..');
const out = resolve(process.argv[2] || process.env.OCMS_CONSOLE_DIR || join(repo, 'build', 'console'));

// [source, served name]; the edge serves GET /ops/<name> for these names only
const files = [
  [join(here, 'index.html'), 'index.html'],
  [join(here, 'app.js'), 'app.js'],
  [join(here, 'app.css'), 'app.css'],
  [join(here, 'node_modules', '@picocss', 'pico', 'css', 'pico.min.css'), 'pico.min.css'],
];

// Anything that would make the browser fetch from elsewhere: an absolute or protocol-relative
// URL in src/href/url()/@import. data: URIs and the SVG namespace inside them are fine.
function externalRefs(name, body) {
  const found = [];
  const patterns = [
    /\b(?:src|href|action|formaction)\s*=\s*["']?\s*(?!data:)(?:[a-z][a-z0-9+.-]*:|\/\/)/gi,
    /url\(\s*["']?\s*(?!data:)(?:[a-z][a-z0-9+.-]*:|\/\/)/gi,
    /@import\s+(?:url\()?\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|\/\/)/gi,
    /\bfetch\(\s*["'`](?:[a-z][a-z0-9+.-]*:|\/\/)/gi,
  ];
  for (const re of patterns) {
    for (const m of body.matchAll(re)) found.push(`${name}: ${body.slice(m.index, m.index + 60)}`);
  }
  return found;
}

function main() {
  const problems = [];
  const contents = [];
  for (const [src, name] of files) {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) problems.push(`${name}: not a servable file name`);
    let body;
    try {
      body = readFileSync(src);
    } catch (e) {
      problems.push(`${src}: ${e.code === 'ENOENT' ? 'missing (run npm ci in producers/edge/console first)' : e.message}`);
      continue;
    }
    problems.push(...externalRefs(name, body.toString('utf8')));
    contents.push([name, body]);
  }
  if (problems.length) {
    console.error(`console build failed:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  mkdirSync(out, {recursive: true});
  // each file is renamed into place, so a running edge never serves half a file
  for (const [name, body] of contents) {
    const tmp = join(out, `.${name}.tmp-${process.pid}`);
    writeFileSync(tmp, body);
    renameSync(tmp, join(out, name));
  }
  console.log(`console: ${contents.map(([n, b]) => `${n} (${b.length} B)`).join(', ')} -> ${out}`);
}

main();
