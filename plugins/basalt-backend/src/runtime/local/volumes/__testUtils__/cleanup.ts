/**
 * Cleanup steps for tests that create mounts, loop devices and cgroups: run
 * in reverse order, every one of them even when an earlier one fails, and
 * the first failure reported afterwards so a leak fails the test run.
 */
export function createCleanup() {
  const steps: Array<() => Promise<unknown>> = [];
  return {
    add(step: () => Promise<unknown>): void {
      steps.push(step);
    },
    async run(): Promise<void> {
      const errors: unknown[] = [];
      for (const step of steps.splice(0).reverse()) {
        await step().catch(error => errors.push(error));
      }
      if (errors.length > 0) throw errors[0];
    },
  };
}
