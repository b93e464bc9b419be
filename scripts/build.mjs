// Bundles the CLI into dist/ with esbuild: one file per entry point, with the
// commands, channels and pages that only some runs need split into chunks
// loaded on demand (every `await import()` in src is a split point).
// Type-checking is `npm run typecheck`'s job; esbuild only strips types.
import { chmodSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { analyzeMetafile, build } from 'esbuild';

/*
 * Parts of axios that balance-watch never uses and that cost start-up time and
 * memory as axios loads (the client always names the http adapter, speaks
 * HTTP/1.1 and sends strings: src/net/client.ts):
 * - its fetch adapter, which touches fetch and Request at load, and so makes
 *   Node load its whole fetch implementation (undici);
 * - its utils' look at the global FormData, which loads undici too;
 * - form-data, with mime-db's 180 KB table, for multipart bodies;
 * - node:http2, which it imports for HTTP/2 and which here loads on first use.
 * A patch that no longer matches (a new axios) fails the build rather than
 * going quietly stale.
 */
const AXIOS_UTILS_FORMDATA = "const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;";
const STUBS = {
  'axios-fetch-adapter': 'export const getFetch = () => false; export default false;',
  http2: "import { createRequire } from 'node:module'; const load = () => createRequire(import.meta.url)('node:http2'); export default new Proxy({}, { get: (_, name) => load()[name] });",
  'form-data': "export default class FormData { constructor() { throw new Error('balance-watch sends no multipart forms'); } }",
};
/*
 * zod's classic API re-exports every language's messages (z.locales), half of
 * its code in the bundle; balance-watch words its own messages
 * (src/config/zod-issues.ts) and zod defaults to English, which it imports itself.
 */
const trimZod = {
  name: 'trim-zod',
  setup(bundle) {
    bundle.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /node_modules[\\/]zod[\\/]v4[\\/](classic[\\/]external|core[\\/]index)\.js$/.test(args.importer) ? { path: 'zod-locales', namespace: 'stub', pluginData: { en: path.join(path.dirname(args.importer), '../locales/en.js') } } : undefined,
    );
    bundle.onLoad({ filter: /^zod-locales$/, namespace: 'stub' }, (args) => ({ contents: `export { default as en } from ${JSON.stringify(args.pluginData.en)};`, loader: 'js', resolveDir: path.dirname(args.pluginData.en) }));
  },
};

const trimAxios = {
  name: 'trim-axios',
  setup(bundle) {
    const inAxios = (importer) => /node_modules[\\/]axios[\\/]/.test(importer);
    bundle.onResolve({ filter: /^\.\/fetch\.js$/ }, (args) => (inAxios(args.importer) && args.importer.includes('adapters') ? { path: 'axios-fetch-adapter', namespace: 'stub' } : undefined));
    bundle.onResolve({ filter: /^(node:)?http2$/ }, (args) => (inAxios(args.importer) ? { path: 'http2', namespace: 'stub' } : undefined));
    bundle.onResolve({ filter: /^form-data$/ }, (args) => (inAxios(args.importer) ? { path: 'form-data', namespace: 'stub' } : undefined));
    bundle.onLoad({ filter: /node_modules[\\/]axios[\\/]lib[\\/]utils\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes(AXIOS_UTILS_FORMDATA)) throw new Error(`axios's utils.js changed: review the FormData patch in scripts/build.mjs`);
      return { contents: source.replace(AXIOS_UTILS_FORMDATA, 'const FormDataCtor = undefined;'), loader: 'js' };
    });
    bundle.onLoad({ filter: /^(axios-fetch-adapter|form-data|http2)$/, namespace: 'stub' }, (args) => ({ contents: STUBS[args.path], loader: 'js' }));
  },
};

// Every output in one folder: a chunk's import.meta.url then finds the worker and package.json as the entry does.
const outdir = 'dist/cli';
rmSync('dist', { recursive: true, force: true });
const result = await build({
  entryPoints: {
    main: 'src/cli/main.ts',
    // A worker thread's own entry, loaded by URL next to the chunk that starts it (src/store/sqlite/stream.ts).
    'stream-worker': 'src/store/sqlite/stream-worker.ts',
  },
  outdir,
  plugins: [trimAxios, trimZod],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: '[name]-[hash]',
  external: [
    // A native addon, loaded from node_modules as built for this machine.
    'better-sqlite3',
    // pino starts its transports (pino-pretty) on worker threads, by file name from its own package.
    'pino',
    'pino-pretty',
    // pg's optional native binding, never installed.
    'pg-native',
  ],
  // CommonJS packages call require(): the bundle gives them one.
  banner: { js: "import { createRequire as __bwCreateRequire } from 'node:module'; const require = __bwCreateRequire(import.meta.url);" },
  minifySyntax: true,
  minifyWhitespace: true,
  keepNames: false,
  // The bundled packages' licences stay installed with them in node_modules (they are dependencies).
  legalComments: 'none',
  logLevel: 'warning',
  // `node scripts/build.mjs --analyze`: what each output holds, by input.
  metafile: process.argv.includes('--analyze'),
});
chmodSync(`${outdir}/main.js`, 0o755);
if (result.metafile) process.stdout.write(await analyzeMetafile(result.metafile));
