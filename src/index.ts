// The public API of vmot, in the order of the data flow (and of the CLI): problem -> marginals -> solvers -> bounds
// -> hedge -> report. README "Architecture" says where each part lives; docs/api (npm run docs) documents every export.

// errors, progress and stop flags of long jobs
export { VmotError, Interrupted, CheckFailed } from './core/errors.js';
export type { Progress, StopFlag } from './core/progress.js';
export { vmotVersion } from './core/package.js';
export { Rng } from './core/random.js';

// problem: the problem file (typed ProblemSpec, JSON Schema in schema/problem.schema.json), payoffs, training options
export { buildProblem, parseProblem, loadProblem, problemFileSchema, newMarginalCache, type Problem, type ProblemSpec, type MarginalCache } from './problem/problem.js';
export type { BoundSide, Formulation, FormulationKind, FirstDateMap, FormulationChoice } from './problem/formulation.js';
export { buildPayoff, payoffSpecSchema, type PayoffSpecInput } from './problem/payoffs/registry.js';
export { quadraticSchema } from './problem/payoffs/quadratic.js';
export { basketSchema } from './problem/payoffs/basket.js';
export { extremumSchema } from './problem/payoffs/extremum.js';
export { forwardStartSchema } from './problem/payoffs/forward-start.js';
export { expressionSchema } from './problem/payoffs/expression.js';
export { sumSchema } from './problem/payoffs/sum.js';
export type { Payoff, PathFn, PayoffSpec, Structure, Modularity, Dims } from './problem/payoffs/types.js';
export { trainingSchema, ENGINE_NAMES, type TrainingOptions, type EngineName } from './problem/training.js';
export { couplingValue, cellCouplingValue, type Transport } from './problem/couplings.js';

// marginals: parametric, empirical, from option quotes, rough Heston; convex order
export type { Marginal } from './marginals/types.js';
export { putPrice, sd } from './marginals/types.js';
export { normalMarginal, lognormalMarginal, uniformMarginal } from './marginals/parametric.js';
export { empiricalMarginal } from './marginals/empirical.js';
export { buildMarginal, marginalSpecSchema, type MarginalSpec } from './marginals/spec.js';
export { newMarginalContext, type MarginalContext } from './marginals/context.js';
export { checkConvexOrder, type ConvexOrderReport } from './marginals/convexOrder.js';
export { listedFromQuotes, type ListedVanillas } from './marginals/listed.js';
export { expiryLaw, expiryLawFromFiles, quotesFit, type ExpiryLaw, type QuotesOptions, type Repricing } from './marginals/quotes/pipeline.js';
export { readPriceTable, parsePriceTable, selectExpiry, type PriceTable, type ExpiryQuotes } from './marginals/quotes/chain.js';
export type { CleanedQuotes, QuoteNote, OptionType } from './marginals/quotes/clean.js';
export type { ParityFit } from './marginals/quotes/parity.js';
export type { QuotesFit } from './marginals/quotes/fit.js';
export type { GridDensity } from './marginals/quotes/density.js';
export { checkCalendar, type CalendarResult } from './marginals/quotes/calendar.js';
export { checkCallPrices, checkSviButterfly, type PriceViolation, type SviParams, type SviButterflyReport } from './marginals/quotes/arbitrage.js';
export { roughHestonMarginal, type RoughHestonMarginal, type RoughHestonMarginalOptions, type EarlierCalls } from './marginals/rough-heston.js';

// rough volatility: parameters, Fourier prices, smile, Monte Carlo, index skew
export { normalize as roughHestonParams, roughHestonFields, type RoughHeston, type RoughHestonInput } from './rough/params.js';
export { forwardCalls, type FourierPlan, type FourierOptions } from './rough/fourier.js';
export { computeSmile, loadSmileParams, type Smile, type SmileRow, type SmileInput } from './rough/smile.js';
export { blackCall, impliedVol } from './rough/impliedVol.js';
export { simulateRoughHeston, correlationFactor, type McAsset, type McOptions, type McResult } from './rough/mc.js';
export { simulateRoughHestonThreads, type McAssetInput, type McThreadsOptions } from './rough/mcThreads.js';
export { indexSpotSkew, roughBergomiComponent, type IndexComponent, type IndexSmall } from './rough/indexSkew.js';

// RMOT: a prior calibrated to the marginals by minimum relative entropy, its relative-entropy interval, implied correlation
export { priorSchema, rmotSchema, type PriorSpec, type RmotSpec, type ImpliedCorrelationSpec } from './problem/prior.js';
export { runRmot, gridAtoms, type RmotRun } from './rmot/run.js';
export { calibrate, type RmotOptions, type RmotResult, type RmotInterval, type RmotCheck } from './rmot/calibrate.js';
export { iProjection, residualVariance, klDivergence, type Constraints, type IProjection, type IProjectionOptions } from './rmot/iprojection.js';
export { ballEnd, type BallEnd } from './rmot/interval.js';
export { pathConstraints, type PathConstraints, type PathsOptions } from './rmot/paths.js';
export { makeGrid, binPaths, binnedPrior, type Grid } from './rmot/grid.js';
export { buildPrior, gaussianPrior, type PriorPaths } from './rmot/prior.js';
export { resolveCorrelation, uniformCorrelation, type ResolvedCorrelation } from './rmot/impliedPrior.js';
export { fitRoughHeston, quotesSmile, type RoughFit, type SmileQuotes } from './rmot/fitRough.js';
export {
  impliedCorrelation,
  impliedCorrelationFrom,
  flatIndexVol,
  fisherInformation,
  cramerRao,
  fitCorrelation,
  fwJacobianRank,
  type CramerRao,
  type CorrelationQuotes,
  type CorrelationEstimate,
  type FwIdentification,
} from './rmot/correlation.js';

// solvers: the seam, the registry, solveAll, formulation choice, references, comparison, provenance
export type { BoundResult, SolveReport } from './solvers/result.js';
export type { Solver, SolveContext } from './solvers/solver.js';
export { SOLVERS, loadSolver, solverNames, type SolverEntry } from './solvers/registry.js';
export { solveAll } from './solvers/solve.js';
export { neuralSolver, type NeuralDetails } from './solvers/neural/index.js';
export { lpSolver, type LpDetails } from './solvers/lp/index.js';
export { rmotSolver, type RmotDetails } from './solvers/rmot/index.js';
export { sideBySide, gaussianCopulaPrice, type SideBySide, type ComparisonRow, type ComparisonCheck } from './solvers/sideBySide.js';
export { chooseFormulation, numericStructure, type Choice } from './solvers/formulation.js';
export { references, gaussianQuadraticExact, independentValue, type References } from './solvers/references.js';
export { compareReports, compareSide, type SideComparison, type Compared } from './solvers/compare.js';
export type { Provenance } from './solvers/provenance.js';
export type { TrainedDual } from './models/train.js';
export type { TailSummary } from './models/tail.js';
export type { TracePoint } from './models/checkpoint.js';
export type { NetRole, CostScaling } from './models/dual.js';
export type { NetSpec, NetWeights, Layer } from './models/engines/contract.js';
export type { LpPotentials, LpSolution, StopReason } from './lp/solve.js';
export type { GridValue, ErrorEstimate } from './lp/error.js';
export type { AtomReport } from './lp/discretize.js';

// hedge: export (polished by LP unless told not to), load (TF.js backend made ready), evaluate on paths, verify
export { exportHedge, exportReport, loadHedge, type ExportOptions } from './hedge/export.js';
export { polishHedge, type PolishOptions, type PolishReport } from './hedge/polish.js';
export { PriceHedge, type PortfolioValues } from './hedge/price-space.js';
export {
  readHedgeDoc,
  hedgeSchema,
  netInputSchema,
  scoreTableSchema,
  stripSchema,
  shortfallRowSchema,
  verificationSchema,
  polishSchema,
  type PolishRecord,
  type HedgeDoc, type Component, type StaticComponent, type Strip, type NetInput, type ScoreTable, type Verification, type ShortfallRow } from './hedge/document.js';
export { loadModelFile, fileHandler, type NetFn } from './hedge/tfjs-files.js';
export { verifyHedge, type VerifyOptions } from './hedge/verify.js';

// report: the same text, JSON and pictures as the CLI
export { reportJson, boundJson } from './report/json.js';
export { summaryText, referenceLines } from './report/text.js';
export { comparisonText } from './report/compare.js';
export { hedgeSummary } from './report/hedge.js';
export { chartConfig, type ChartSpec, type LineChart, type HeatChart, type Series, type Axis } from './report/charts.js';
export { writeChart } from './report/plot.js';
export { writeReport } from './report/write.js';
export { loadRun, writeManifest, type RunData } from './report/run.js';

// book: many payoffs on shared marginals, here (runEmbedded) or on BullMQ workers (enqueue, startWorker)
export { loadBook, parseBook, bookFileSchema, type Book, type BookFile, type BookPayoff } from './book/spec.js';
export { expandBook, jobId, type BookJob } from './book/jobs.js';
export { runJob, type JobContext } from './book/run.js';
export { runEmbedded, type PoolOptions } from './book/pool.js';
export { enqueue, jobStates, startWorker, openQueue, QUEUE, type WorkerOptions } from './book/queue.js';
export { monotoneChecks, summarize, writeSummary, type BookSummary, type MonotoneCheck } from './book/summary.js';
export { writeBookReport } from './book/report.js';
export type { JobRecord } from './book/record.js';
