'use strict';
// Where the package under test lives: the bench measures the built dist/.
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const dist = path.join(root, 'dist');

module.exports = { root, dist };
