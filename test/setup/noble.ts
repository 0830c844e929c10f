// Runs the suite with the noble backend as the default (vitest project "noble").
import { setDefaultBackend } from '../helpers/kit.js';

process.env.KEYKIT_TEST_BACKEND = 'noble';
setDefaultBackend('noble');
