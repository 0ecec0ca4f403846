/**
 * Runs a Node command-line program (argv[2]) as a child that ends with its parent: the parent spawns this with
 * an IPC channel, and when the channel closes (the parent exited, or was killed with -9) the program is ended.
 * Used for the Agents Playground, which has no state to save; Azurite has its own host (azuriteHost.ts).
 */
function main(): void {
  const [target, ...rest] = process.argv.slice(2);
  if (!target) throw new Error('usage: lifeline.js <program.js> [args…]');
  if (process.send) {
    process.on('disconnect', () => process.exit(0));
    process.channel?.unref();
  }
  // The program parses process.argv as if started directly.
  process.argv = [process.argv[0], target, ...rest];
  require(target);
}

if (require.main === module) main();
