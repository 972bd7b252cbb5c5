// npm run bench: the core on the 2021 test at 50 GiB under each mechanism.
import { runBench } from '../src/cli/bench.ts';

process.exitCode = runBench();
