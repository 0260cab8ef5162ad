import { Command, CommanderError } from 'commander';
import { VmotError } from '../core/errors.js';
import { boundsCommand } from './bounds.js';
import { marginalsCommand } from './marginals.js';
import { hedgeCommand } from './hedge.js';
import { smileCommand } from './smile.js';

/** Entry point of the `vmot` command: user errors print one line and exit 2, never a stack trace. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('vmot')
    .description('Model-free price bounds for multi-asset options by vectorial martingale optimal transport')
    .option('--debug', 'print stack traces of internal errors')
    .exitOverride();
  program.addCommand(boundsCommand());
  program.addCommand(marginalsCommand());
  program.addCommand(hedgeCommand());
  program.addCommand(smileCommand());
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode);
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`vmot: error: ${msg.split('\n')[0]}\n`);
    if (!(e instanceof VmotError) && program.opts().debug && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exit(e instanceof VmotError ? 2 : 1);
  }
}
