// webpack 5 with its defaults in production mode, as `webpack --mode production` would run in the
// consumer project given as argv[2]: entry ./src/index.js, output dist/main.js. Uses webpack's Node
// API (no webpack-cli). Prints webpack's stats (errors and warnings in full); exits 1 on errors.
const path = require('node:path');
const webpack = require('webpack');

const context = path.resolve(process.argv[2]);
webpack({ mode: 'production', context }, (err, stats) => {
  if (err) {
    console.error(err.stack || String(err));
    process.exit(1);
  }
  console.log(
    stats.toString({ colors: false, all: false, assets: true, errors: true, errorDetails: true, warnings: true, moduleTrace: true }),
  );
  process.exit(stats.hasErrors() ? 1 : 0);
});
