// `npx mocha <files>` runs some suites; `npm test` runs them all. Every suite runs from TypeScript sources through tsx; server and CLI suites spawn the built bins.
module.exports = {
  'node-option': ['import=tsx'],
  timeout: 20_000,
  reporter: process.env.MOCHA_REPORTER ?? 'dot',
};
