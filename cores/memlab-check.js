'use strict';
// Loads a .heapsnapshot with memlab's heap parser (the one behind `memlab heap` and
// `memlab analyze`), which also computes dominators and retained sizes, and prints one JSON
// line: {nodes, edges, retained: {NAME: sum of retainedSize of the "object" nodes so named}}.
//   NODE_PATH=<memlab dir>/node_modules node cores/memlab-check.js FILE [NAME...]
// Exit 1 with "memlab: <why>" on stderr when memlab cannot load the file.
const { getFullHeapFromFile } = require('@memlab/heap-analysis');

const [file, ...names] = process.argv.slice(2);
(async () => {
  const heap = await getFullHeapFromFile(file);
  let nodes = 0;
  let edges = 0;
  const retained = {};
  const counts = {};
  for (const n of names) { retained[n] = 0; counts[n] = 0; }
  heap.nodes.forEach((node) => {
    nodes++;
    edges += node.edge_count;
    if (node.type === 'object' && Object.prototype.hasOwnProperty.call(retained, node.name)) {
      retained[node.name] += node.retainedSize;
      counts[node.name]++;
    }
  });
  process.stdout.write(JSON.stringify({ nodes, edges, retained, counts }) + '\n');
})().catch((err) => {
  process.stderr.write('memlab: ' + String(err && err.stack || err).split('\n')[0] + '\n');
  process.exit(1);
});
