import { benchActivation } from './activation';
import { benchBoot } from './boot';
import { benchControl } from './control';
import { benchJournal } from './journal';
import { benchLoadTree } from './load-tree';
import { benchPid1 } from './pid1';
import { renderTable, type BenchRow } from './table';

async function main(): Promise<void> {
  const only = process.argv[2];
  const rows: BenchRow[] = [];
  if (!only || only === 'load') rows.push(...benchLoadTree());
  if (!only || only === 'boot') rows.push(...(await benchBoot()));
  if (!only || only === 'control') rows.push(...(await benchControl()));
  if (!only || only === 'pid1') rows.push(...(await benchPid1()));
  if (!only || only === 'activation') rows.push(...(await benchActivation()));
  if (!only || only === 'journal') rows.push(...(await benchJournal()));
  console.log(renderTable(rows));
}

void main();
