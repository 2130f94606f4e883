// Values too big to print carelessly, for JsPrintBigValuesTest: a 100,000-deep linked list,
// a 2,000,000-element array and an object used as a map with 200,000 keys. The process then
// dies by an uncaught throw (run with --abort-on-uncaught-exception: the kernel writes ./core).
'use strict';
class JsmdbBigRoot {
  constructor() {
    let head = null;
    for (let i = 0; i < 100000; i++) head = { depth: 100000 - i, next: head };
    this.list = head;
    this.big = new Array(2000000).fill(7);
    this.big[1999999] = 42;
    const dict = {};
    for (let i = 0; i < 200000; i++) dict['k' + i] = i;
    this.dict = dict;
    // dictionary ("slow") elements: 5000 values 1000 apart
    const sparse = [];
    for (let i = 0; i < 5000; i++) sparse[i * 1000] = i;
    this.sparse = sparse;
  }
}
// the root is the dying function's argument: the test finds it in ::jsstack -v
function jsmdbBigDie(root) {
  throw new Error('jsmdb: big values are in the heap');
}
jsmdbBigDie(new JsmdbBigRoot());
