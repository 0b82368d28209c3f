/** Worker-thread entry of the probe pool: runs probes posted by pool.ts and posts their results back. */
import { parentPort } from 'node:worker_threads';
import { runProbe, type ProbeRequest } from './probe.ts';

const port = parentPort!;
port.on('message', (m: { id: number; req: ProbeRequest }) => {
  runProbe(m.req).then(
    (result) => port.postMessage({ id: m.id, result }),
    (e: unknown) => port.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) }),
  );
});
