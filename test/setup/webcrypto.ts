// Runs the suite with the webcrypto backend as the default (vitest project "webcrypto").
import { setDefaultBackend } from '../helpers/kit.js';

process.env.KEYKIT_TEST_BACKEND = 'webcrypto';
setDefaultBackend('webcrypto');
