// Node: fs.readFileSync after the event loop has started blocks it; fs.promises does not, and
// require() at start-up runs before the loop (tests/probe/script_runtimes_test.cpp).
//   node event_loop_blocks.js DATA_FILE
const fs = require('fs');
const helper = require('./helper.js');

async function loadJobs(path) {
  // Its completion comes back through the loop's epoll wait: from here on, the loop runs.
  // (A short timer would not do: on a busy machine it can expire before the loop first waits.)
  const first = await fs.promises.readFile(path, 'utf8');
  const text = fs.readFileSync(path, 'utf8'); // probe: blocks
  return first.length + text.length;
}

async function main() {
  const total = await loadJobs(process.argv[2]);
  console.log(helper.twice(total));
}

main();
