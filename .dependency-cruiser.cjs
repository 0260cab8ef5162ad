// Layering of src/ (README "Architecture"): the tree reads top-down as the data flow and imports go one way,
// from a layer to the layers above it in this list, never down. `npm test` runs `depcruise` first and fails on a violation.
const LAYERS = ['core', 'math', 'rough', 'marginals', 'problem', 'models|lp', 'rmot', 'solvers', 'hedge', 'report', 'book', 'cli'];

const below = (i) => LAYERS.slice(i + 1).join('|');

/** Folders matched by `folders` (one capture group: the folder) may import from their own folder only, not from a sibling. */
const independent = (name, folders, comment) => ({
  name,
  severity: 'error',
  comment,
  from: { path: folders },
  to: { path: folders, pathNot: [folders.replace(/\(.*\)/, '$1')] },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle hides which module owns what: break it by moving the shared part down a layer.',
      from: {},
      to: { circular: true },
    },
    ...LAYERS.slice(0, -1).map((layer, i) => ({
      name: `layer-${layer.replace('|', '-')}`,
      severity: 'error',
      comment: `src/${layer} may import only from the layers before it (${LAYERS.slice(0, i).join(', ') || 'none'}), never from ${below(i).replace(/\|/g, ', ')}.`,
      from: { path: `^src/(${layer})/` },
      to: { path: `^src/(${below(i)})/` },
    })),
    // siblings behind one seam never import each other
    independent('models-lp-independent', '^src/(models|lp)/', 'The neural dual (src/models) and the LP (src/lp) are two solvers side by side: only src/solvers sees both.'),
    independent('solver-adapters-independent', '^src/solvers/([^/]+)/', 'Each solver is its own folder behind the seam (src/solvers/solver.ts).'),
    independent('engines-independent', '^src/models/engines/([^/]+)/', 'Each engine is its own folder behind the engine contract (src/models/engines/contract.ts).'),
    {
      name: 'engines-below-models',
      severity: 'error',
      comment: 'Engines compute the loss of the contract; they know nothing of the dual, the sampler or training.',
      from: { path: '^src/models/engines/' },
      to: { path: '^src/models/[^/]+\\.ts$' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
