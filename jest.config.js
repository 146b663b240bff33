/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  globalSetup: '<rootDir>/tests/global-setup.js',
  reporters: ['default', '<rootDir>/tests/summary-reporter.js'],
  testTimeout: 30000,
};
