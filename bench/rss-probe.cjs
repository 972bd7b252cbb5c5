// Preloaded (node -r) by `npm run bench` into a child process: at exit it
// writes the process's peak resident set size (kB) to stderr as one line.
process.on('exit', () => process.stderr.write(`\nPTLAB_MAXRSS_KB ${process.resourceUsage().maxRSS}\n`));
