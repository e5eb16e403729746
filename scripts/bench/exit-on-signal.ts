/**
 * Preloaded (`node --require`) into a service started with --cpu-prof. Nest's shutdown hook
 * closes the app on SIGTERM/SIGINT, then sends the same signal again to end the process; killed
 * by a signal, node would not write the CPU profile. This listener lets the first signal through
 * to Nest and turns the second into process.exit, which writes the profile.
 */
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  let seen = 0;
  process.on(signal, () => {
    seen += 1;
    if (seen >= 2) process.exit(0);
  });
}
