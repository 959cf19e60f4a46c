// Builds Shenpi's front end into web/static/build (not committed; `make install` runs it). Every script of the
// pages is an ES module here in src/, bundled with its npm libraries by esbuild; pages load their entry point with
// <script type="module"> (no inline script: the pages' Content-Security-Policy has script-src 'self').
//
//   shenpi.js    every page (base.html): htmx and the forms' behaviours
//   diagram.js   the pages that show a flow diagram (inbox task and case, portal case and matter guide): the viewer
//   cockpit.js   the supervision cockpit;  reports.js  the evaluation pages (ECharts with only the charts they draw)
//   modeler.js   the process modeler page: bpmn-js's Modeler, Shenpi's properties panel (src/modeler/), the
//                lint rules of .bpmnlintrc (compiled here, see below) and the token simulation
//   api-docs.js  the API reference page (/api/docs): Swagger UI;  api-docs.css  its styles
//   diagram.css  bpmn-js's diagram styles;  modeler.css  what the modeler adds (icon font, properties panel)
//
// Each entry is self-contained, except that the cockpit and the evaluation pages share ECharts as one chunk under
// chunks/ (code splitting), downloaded once. The viewer and the modeler deliberately share nothing: splitting them
// would put the modeler-only parts of the bpmn-js modules they share into the viewer's chunk (+15 KB, 6 KB gzipped,
// on every diagram page) to save the rare modeler page 0.2 MB; and a shared chunk costs each page one more round trip.
import { readFileSync, rmSync } from 'node:fs';
import * as esbuild from 'esbuild';
import compileBpmnlintConfig from 'bpmnlint/lib/support/compile-config.js';
import BpmnlintResolver from 'bpmnlint/lib/resolver/node-resolver.js';

const outdir = '../static/build';
const common = { bundle: true, minify: true, outdir, charset: 'utf8', logLevel: 'warning', legalComments: 'linked' };
const modules = { ...common, format: 'esm', target: 'es2022', metafile: true };

// The modeler's lint rules: src/.bpmnlintrc names rules of bpmnlint and of our plugin (src/bpmnlint-plugin-shenpi,
// mirroring the engine's validation). bpmnlint resolves them with Node's module resolution, which a browser cannot
// do, so the configuration is compiled here into a module that imports every rule it uses: `import config from
// 'bpmnlint-config'` in the modeler's sources.
const bpmnlintConfig = {
  name: 'bpmnlint-config',
  setup(build) {
    build.onResolve({ filter: /^bpmnlint-config$/ }, () => ({ path: 'src/.bpmnlintrc', namespace: 'bpmnlint-config' }));
    build.onLoad({ filter: /.*/, namespace: 'bpmnlint-config' }, async (args) => ({
      contents: await compileBpmnlintConfig(JSON.parse(readFileSync(args.path, 'utf8')), new BpmnlintResolver()),
      resolveDir: process.cwd(),
      watchFiles: [ args.path ],
      loader: 'js'
    }));
  }
};

rmSync(outdir, { recursive: true, force: true });   // chunk names carry a hash: no stale chunk stays behind

const builds = [
  esbuild.build({ ...modules, entryPoints: ['src/shenpi.js', 'src/diagram.js', 'src/api-docs.js'] }),
  esbuild.build({
    ...modules,
    entryPoints: ['src/modeler.js'],
    plugins: [bpmnlintConfig],
    // bpmn-js-properties-panel ships JSX (for Preact) in plain .js files; so do our panel's groups (src/modeler/).
    loader: { '.js': 'jsx' },
    jsxFactory: 'h',
    jsxFragment: 'Fragment'
  }),
  esbuild.build({
    ...modules,
    entryPoints: ['src/cockpit.js', 'src/reports.js'],
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]'
  }),
  esbuild.build({
    ...common,
    entryPoints: ['src/diagram.css', 'src/modeler.css', 'src/api-docs.css'],
    // The modeler's icon font: browsers fetch only the woff2 file, the other formats are there for old ones.
    loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file' },
    assetNames: 'assets/[name]-[hash]',
    metafile: true
  })
];

const outputs = Object.assign({}, ...(await Promise.all(builds)).map((result) => result.metafile.outputs));

for (const [file, { bytes }] of Object.entries(outputs).sort()) {
  if (!file.endsWith('.map') && !file.endsWith('.LEGAL.txt')) {
    console.log(`  ${file.replace(outdir + '/', '').padEnd(36)} ${(bytes / 1024).toFixed(1).padStart(8)} KB`);
  }
}
