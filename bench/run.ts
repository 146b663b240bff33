import { benchLoadTree } from './load-tree';
import { renderTable, type BenchRow } from './table';

const rows: BenchRow[] = [...benchLoadTree()];
console.log(renderTable(rows));
