/**
 * A pool of sizing probes: on this thread (workers: 0), or on worker threads (the sizing searches run
 * independent simulations side by side; this machine has 2 cores). Workers load the TypeScript sources
 * through tsx's loader; one that fails to start is dropped and its jobs go to the others, or to this thread
 * when none is left, so the pool always works. With workers this thread runs no probe itself: a probe runs
 * synchronously (the simulator never awaits without testbench coroutines) and would keep this thread from
 * seeing a worker finish and handing it the next job. A job goes to a free worker even while it starts up
 * (its port queues the message until it has loaded).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runProbe, type ProbeRequest, type ProbeResult } from './probe.ts';

interface Job {
  id: number;
  req: ProbeRequest;
  resolve: (r: ProbeResult) => void;
  reject: (e: Error) => void;
}

interface WorkerLane {
  worker: Worker;
  dead: boolean;
  job: Job | null;
}

export interface ProbePool {
  /** Lanes that run probes at once (this thread + started workers). */
  readonly lanes: number;
  run(req: ProbeRequest): Promise<ProbeResult>;
  /** Probes finished so far (for progress bars). */
  readonly finished: number;
  close(): Promise<void>;
}

/** Worker start-up through tsx: register its ESM loader, then load the probe worker's TypeScript. */
function tsxBootstrap(): { code: string } {
  const require = createRequire(import.meta.url);
  const api = pathToFileURL(require.resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const entry = new URL('./probe-worker.ts', import.meta.url).href;
  return { code: `(async () => { const { register } = await import(${JSON.stringify(api)}); register(); await import(${JSON.stringify(entry)}); })();` };
}

/**
 * The probe worker as one ES module bundled by esbuild (which tsx ships with), cached under
 * node_modules/.cache/skipsim so that its packages resolve. A worker then starts in a few tens of
 * milliseconds instead of the seconds tsx's per-module loader round trips take; without esbuild the
 * workers start through tsx.
 */
async function workerEntry(): Promise<{ file: string } | { code: string }> {
  try {
    const esbuild = await import('esbuild');
    const entry = fileURLToPath(new URL('./probe-worker.ts', import.meta.url));
    const root = path.resolve(path.dirname(entry), '../..');
    const out = await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', packages: 'external', target: 'node20', write: false, logLevel: 'silent' });
    const text = out.outputFiles[0]!.text;
    const dir = path.join(root, 'node_modules', '.cache', 'skipsim');
    const file = path.join(dir, `probe-worker-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.mjs`);
    if (!fs.existsSync(file)) {
      fs.mkdirSync(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      fs.writeFileSync(tmp, text);
      fs.renameSync(tmp, file);
      // Bundles of older sources: drop those not used for an hour.
      for (const f of fs.readdirSync(dir)) {
        const old = path.join(dir, f);
        if (f.startsWith('probe-worker-') && old !== file && Date.now() - fs.statSync(old).mtimeMs > 3_600_000) fs.rmSync(old, { force: true });
      }
    }
    return { file };
  } catch {
    return tsxBootstrap();
  }
}

export function createProbePool(options: { workers?: number; onFinished?: (r: ProbeResult) => void } = {}): ProbePool {
  const queue: Job[] = [];
  const lanes: WorkerLane[] = [];
  let localBusy = false;
  /** Workers asked for but not started yet: jobs wait for them rather than run here. */
  let starting = 0;
  let nextId = 0;
  let finished = 0;
  let closed = false;
  const done = (job: Job, r: ProbeResult): void => {
    finished++;
    options.onFinished?.(r);
    job.resolve(r);
  };

  const pump = (): void => {
    for (const lane of lanes) {
      if (queue.length === 0) return;
      // A starting worker takes a job too: its port queues the message until the worker has loaded.
      if (!lane.dead && lane.job === null) {
        const job = queue.shift()!;
        lane.job = job;
        lane.worker.postMessage({ id: job.id, req: job.req });
      }
    }
    // With workers this thread only orchestrates (a probe here would block it from seeing workers finish);
    // it runs probes itself when there are no workers, or none left.
    if (queue.length > 0 && !localBusy && starting === 0 && lanes.every((l) => l.dead)) {
      localBusy = true;
      const job = queue.shift()!;
      // Let the event loop deliver worker messages first; then block this thread for the probe.
      setImmediate(() => {
        runProbe(job.req).then(
          (r) => {
            localBusy = false;
            done(job, r);
            pump();
          },
          (e: unknown) => {
            localBusy = false;
            job.reject(e instanceof Error ? e : new Error(String(e)));
            pump();
          },
        );
      });
    }
  };

  const n = Math.max(0, Math.floor(options.workers ?? 0));
  const spawn = (entry: { file: string } | { code: string }): void => {
    const worker = 'file' in entry ? new Worker(entry.file) : new Worker(entry.code, { eval: true });
    const lane: WorkerLane = { worker, dead: false, job: null };
    worker.on('message', (m: { id: number; result?: ProbeResult; error?: string }) => {
      const job = lane.job;
      lane.job = null;
      if (job && m.result) done(job, m.result);
      else if (job) job.reject(new Error(m.error ?? 'probe worker failed'));
      pump();
    });
    const drop = (): void => {
      if (lane.dead) return;
      lane.dead = true;
      if (lane.job && !closed) queue.unshift(lane.job); // run it elsewhere
      lane.job = null;
      pump();
    };
    worker.on('error', drop);
    worker.on('exit', drop);
    lanes.push(lane);
  };
  const started =
    n === 0
      ? Promise.resolve()
      : ((starting = n),
        workerEntry().then((entry) => {
          starting = 0;
          if (!closed) for (let i = 0; i < n; i++) spawn(entry);
          pump();
        }));

  return {
    get lanes() {
      return Math.max(1, starting + lanes.filter((l) => !l.dead).length);
    },
    get finished() {
      return finished;
    },
    run(req: ProbeRequest): Promise<ProbeResult> {
      return new Promise<ProbeResult>((resolve, reject) => {
        queue.push({ id: nextId++, req, resolve, reject });
        pump();
      });
    },
    async close(): Promise<void> {
      await started;
      closed = true;
      await Promise.all(lanes.map((l) => l.worker.terminate()));
    },
  };
}
