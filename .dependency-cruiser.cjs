/**
 * Import rules for src/, checked by `npm run lint:cycles` (part of `npm test`).
 * Type-only imports count: a circle of types is still a circle of ideas.
 * TypeScript 7 has no JavaScript API for dependency-cruiser, so swc parses.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Files that import each other in a loop: move the shared definition to where both can import it.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
