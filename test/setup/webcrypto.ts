// Runs the suite with the webcrypto backend as the default (vitest project "webcrypto").
import { setDefaultBackend } from '../../src/index.js';

process.env.KEYKIT_TEST_BACKEND = 'webcrypto';
setDefaultBackend('webcrypto');
