/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  globalSetup: '<rootDir>/tests/global-setup.js',
  reporters: ['default', '<rootDir>/tests/summary-reporter.js'],
  testTimeout: 30000,
  // On a 2-core machine jest runs every file in its own process (maxWorkers 1, in band). A libuv handle that
  // a test file's native bindings leave behind (uv_poll, a signal handle) must not keep CI waiting after the
  // last test: seen once at the end of a full run, not reproduced file by file. Processes a test leaves are
  // still killed by tests/boot/harness.ts.
  forceExit: true,
};
