/**
 * Runs a Node command-line program (argv[2]) as a child that ends with its parent: when the process that started
 * it is gone (exited, or killed with -9) it is re-parented, and the program is ended. Used for the Agents
 * Playground, which has no state to save (Azurite has its own host, azuriteHost.ts). A parent-pid check rather
 * than an IPC channel, so the program sees the same process environment as when started directly.
 */
function main(): void {
  const [target, ...rest] = process.argv.slice(2);
  if (!target) throw new Error('usage: lifeline.js <program.js> [args…]');
  const parent = process.ppid;
  setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 500).unref();
  // The program parses process.argv as if started directly.
  process.argv = [process.argv[0], target, ...rest];
  require(target);
}

if (require.main === module) main();
