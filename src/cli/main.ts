import { Command, CommanderError } from 'commander';
import { CheckFailed, VmotError } from '../core/errors.js';
import { vmotVersion } from '../core/package.js';
import { EXIT, exitCodesHelp } from './exit.js';

/**
 * Each command's module, imported only when that command runs (all of them for `vmot --help` or an unknown name): a
 * command pays for its own imports only (the whole library took 0.3 s to load before `vmot smile` began).
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  bounds: async () => (await import('./bounds.js')).boundsCommand(),
  report: async () => (await import('./report.js')).reportCommand(),
  rmot: async () => (await import('./rmot.js')).rmotCommand(),
  compare: async () => (await import('./compare.js')).compareCommand(),
  'fit-rough': async () => (await import('./fitRough.js')).fitRoughCommand(),
  marginals: async () => (await import('./marginals.js')).marginalsCommand(),
  hedge: async () => (await import('./hedge.js')).hedgeCommand(),
  smile: async () => (await import('./smile.js')).smileCommand(),
  book: async () => (await import('./book.js')).bookCommand(),
  worker: async () => (await import('./book.js')).workerCommand(),
};

/** Entry point of the `vmot` command: user errors print one line and exit 2, never a stack trace. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('vmot')
    .description('Model-free price bounds for multi-asset options by vectorial martingale optimal transport')
    .version(vmotVersion(), '-V, --version', 'print the vmot version')
    .option('--debug', 'print stack traces of internal errors')
    .addHelpText('after', `\n${exitCodesHelp}`)
    .exitOverride();
  // the command is the first argument that is not an option (`vmot --debug smile ...`)
  const name = argv.slice(2).find((a) => !a.startsWith('-'));
  const wanted = name !== undefined && Object.hasOwn(COMMANDS, name) ? [COMMANDS[name]] : Object.values(COMMANDS);
  try {
    for (const cmd of await Promise.all(wanted.map((load) => load()))) {
      // usage errors of every (sub)command reach the handler below instead of commander's own exit 1
      for (const c of [cmd, ...cmd.commands]) c.exitOverride();
      program.addCommand(cmd.addHelpText('after', `\n${exitCodesHelp}`));
    }
    await program.parseAsync(argv);
  } catch (e) {
    // --help and --version end here with code 0; a usage error (unknown option, bad argument) with 2
    if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? EXIT.ok : EXIT.input);
    if (e instanceof CheckFailed) {
      process.stderr.write(`vmot: check: ${e.message}\n`);
      process.exit(EXIT.check);
    }
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`vmot: error: ${msg.split('\n')[0]}\n`);
    if (!(e instanceof VmotError) && program.opts().debug && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exit(e instanceof VmotError ? EXIT.input : EXIT.internal);
  }
}
