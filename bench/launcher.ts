/** The tool as a user runs it: bin/sentiment as a program (its sh lines set up the process), not `node bin/sentiment`. */
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', 'bin', 'sentiment');
