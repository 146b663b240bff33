import { benchBoot } from './boot';
import { benchLoadTree } from './load-tree';
import { renderTable, type BenchRow } from './table';

async function main(): Promise<void> {
  const rows: BenchRow[] = [...benchLoadTree(), ...(await benchBoot())];
  console.log(renderTable(rows));
}

void main();
