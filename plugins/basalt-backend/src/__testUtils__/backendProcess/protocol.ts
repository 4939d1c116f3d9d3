/** The line a backend process prints once it listens, before its port. */
export const READY_PREFIX = 'basalt-test-backend-listening-on:';
