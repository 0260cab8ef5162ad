import { Command, CommanderError } from 'commander';
import { CheckFailed, VmotError } from '../core/errors.js';
import { vmotVersion } from '../core/package.js';
import { bookCommand, workerCommand } from './book.js';
import { boundsCommand } from './bounds.js';
import { compareCommand } from './compare.js';
import { fitRoughCommand } from './fitRough.js';
import { EXIT, exitCodesHelp } from './exit.js';
import { hedgeCommand } from './hedge.js';
import { marginalsCommand } from './marginals.js';
import { reportCommand } from './report.js';
import { rmotCommand } from './rmot.js';
import { smileCommand } from './smile.js';

/** Entry point of the `vmot` command: user errors print one line and exit 2, never a stack trace. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('vmot')
    .description('Model-free price bounds for multi-asset options by vectorial martingale optimal transport')
    .version(vmotVersion(), '-V, --version', 'print the vmot version')
    .option('--debug', 'print stack traces of internal errors')
    .addHelpText('after', `\n${exitCodesHelp}`)
    .exitOverride();
  for (const cmd of [boundsCommand(), reportCommand(), rmotCommand(), compareCommand(), fitRoughCommand(), marginalsCommand(), hedgeCommand(), smileCommand(), bookCommand(), workerCommand()]) {
    // usage errors of every (sub)command reach the handler below instead of commander's own exit 1
    for (const c of [cmd, ...cmd.commands]) c.exitOverride();
    program.addCommand(cmd.addHelpText('after', `\n${exitCodesHelp}`));
  }
  try {
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
