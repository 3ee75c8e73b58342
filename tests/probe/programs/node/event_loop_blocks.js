// Node: fs.readFileSync after the event loop has started blocks it; fs.promises does not, and
// require() at start-up runs before the loop (tests/probe/script_runtimes_test.cpp).
//   node event_loop_blocks.js DATA_FILE
const fs = require('fs');
const helper = require('./helper.js');

async function loadJobs(path) {
  await new Promise((resolve) => setTimeout(resolve, 5));
  const text = fs.readFileSync(path, 'utf8'); // probe: blocks
  const again = await fs.promises.readFile(path, 'utf8');
  return text.length + again.length;
}

async function main() {
  const total = await loadJobs(process.argv[2]);
  console.log(helper.twice(total));
}

main();
