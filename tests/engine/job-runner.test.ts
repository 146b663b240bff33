import type { Job } from '../../src/graph/transaction';
import { JobRunner } from '../../src/engine/job-runner';
import type { JobOutcome } from '../../src/engine/unit-runtime';

/** A runner whose jobs finish when the test says so; `started` lists job ids in the order they began. */
function runner() {
  const started: string[] = [];
  const finishers = new Map<string, (o: JobOutcome) => void>();
  const finished: string[] = [];
  const r = new JobRunner(
    (job) =>
      new Promise<JobOutcome>((resolve) => {
        started.push(job.id);
        finishers.set(job.id, resolve);
      }),
    (job) => finished.push(job.id),
  );
  const finish = async (id: string, o: JobOutcome = 'done') => {
    finishers.get(id)!(o);
    await new Promise((res) => setImmediate(res));
  };
  return { r, started, finished, finish };
}

const job = (unit: string, waitsFor: string[] = []): Job => ({
  id: `${unit}/start`,
  unit,
  type: 'start',
  waitsFor,
  irreversible: false,
  anchor: false,
});

test('a job runs once every job it waits for has finished; unrelated jobs run at once', async () => {
  const { r, started, finish } = runner();
  void r.install([job('a'), job('b', ['a/start']), job('c', ['a/start', 'b/start']), job('d')], [], null);
  expect(started).toEqual(['a/start', 'd/start']);
  await finish('a/start');
  expect(started).toEqual(['a/start', 'd/start', 'b/start']);
  await finish('b/start');
  expect(started).toEqual(['a/start', 'd/start', 'b/start', 'c/start']);
  expect(r.jobOf('c')?.id).toBe('c/start');
  await finish('c/start');
  await finish('d/start');
  expect(r.jobOf('c')).toBeUndefined();
  await r.whenIdle();
});

test('a queued job also waits for a job a later transaction installs (ordering checked at run time)', async () => {
  const { r, started, finish } = runner();
  void r.install([job('x'), job('y', ['x/start'])], [], null);
  void r.install([job('z')], [], null, [{ job: 'y/start', waitsFor: ['z/start'] }]);
  await finish('x/start');
  expect(started).toEqual(['x/start', 'z/start']);
  await finish('z/start');
  expect(started).toContain('y/start');
  await finish('y/start');
});

test('cancelling a waiting job unblocks the jobs behind it, and its anchor hears the outcome', async () => {
  const { r, started, finish } = runner();
  void r.install([job('slow')], [], null);
  const held = r.install([job('held', ['slow/start']), job('after', ['held/start'])], [], 'held/start');
  expect(r.cancel('held/start', 'canceled')).toBe(true);
  expect(await held).toBe('canceled');
  // "after" waited for "held", which is gone: it may run now, before "slow" finishes.
  await new Promise((res) => setImmediate(res));
  expect(started).toEqual(['slow/start', 'after/start']);
  await finish('slow/start');
  await finish('after/start');
});

test('a thousand jobs behind one all start when it finishes, in the order they were installed', async () => {
  const { r, started, finish } = runner();
  const many = Array.from({ length: 1000 }, (_, i) => job(`s${i}`, ['gate/start']));
  void r.install([job('gate'), ...many], [], null);
  expect(started).toEqual(['gate/start']);
  await finish('gate/start');
  expect(started).toEqual(['gate/start', ...many.map((j) => j.id)]);
  for (const j of many) await finish(j.id);
  await r.whenIdle();
});
