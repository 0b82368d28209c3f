// Attributes every DRAM request to its cause and layer. Each DMA channel gets a view of the one
// DramController whose submit() is counted: the channel's transfers are serial and split into
// consecutive bursts (dma.ts), so the k-th accepted request of a channel belongs to the head transfer
// until that transfer's bursts are all submitted. Each request is checked against the address the
// transfer must submit next, so a mismatch is an error instead of a wrong attribution.
import type { DramController, DramOp, DramRequest } from './dram-controller.ts';
import { CAUSES, type Cause, type DmaTask } from './npu-program.ts';

export type CauseBytes = Record<Cause, number>;

export const zeroCauses = (): CauseBytes => Object.fromEntries(CAUSES.map((c) => [c, 0])) as CauseBytes;

interface Pending {
  task: DmaTask;
  /** Next burst address, bursts left, and position in the task's cause runs. */
  next: number;
  left: number;
  run: number;
  runLeft: number;
}

export class DramTap {
  /** Bytes moved (whole bursts) by cause, and by layer and cause. */
  readonly byCause: CauseBytes = zeroCauses();
  readonly byLayer: CauseBytes[];
  readonly requests = { read: 0, write: 0 };
  private readonly pending = new Map<string, Pending[]>();

  constructor(
    readonly dram: DramController,
    layers: number,
  ) {
    this.byLayer = Array.from({ length: layers }, zeroCauses);
  }

  /** A view of the controller for one DMA channel: the same controller, with submit() counted. */
  channel(name: string): DramController {
    const queue: Pending[] = [];
    this.pending.set(name, queue);
    const dram = this.dram;
    const submit = (op: DramOp, addr: number, tag?: unknown): DramRequest | null => {
      const r = dram.submit(op, addr, tag);
      if (r !== null) this.count(name, queue, op, addr);
      return r;
    };
    return new Proxy(dram, {
      get(target, prop) {
        if (prop === 'submit') return submit;
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  }

  /** Announce a transfer before handing it to the channel's DMA. */
  expect(channel: string, task: DmaTask): void {
    const q = this.pending.get(channel);
    if (!q) throw new Error(`DramTap: no channel '${channel}'`);
    const bursts = Math.ceil(task.bytes / this.dram.burstBytes);
    q.push({ task, next: task.dramAddr, left: bursts, run: 0, runLeft: task.causes[0]!.bursts });
  }

  /** Transfers announced on a channel whose bursts are not all submitted yet. */
  outstanding(channel: string): number {
    return this.pending.get(channel)?.length ?? 0;
  }

  private count(channel: string, q: Pending[], op: DramOp, addr: number): void {
    const p = q[0];
    if (!p) throw new Error(`DramTap '${channel}': a ${op} of address ${addr} with no transfer announced`);
    if (addr !== p.next) {
      throw new Error(`DramTap '${channel}': transfer '${p.task.label}' should submit address ${p.next} next, got ${addr}`);
    }
    const bytes = this.dram.burstBytes;
    const cause = p.task.causes[p.run]!.cause;
    this.byCause[cause] += bytes;
    const layer = p.task.attributeTo;
    if (layer >= 0) this.byLayer[layer]![cause] += bytes;
    this.requests[op]++;
    p.next += bytes;
    if (--p.runLeft === 0 && p.run + 1 < p.task.causes.length) p.runLeft = p.task.causes[++p.run]!.bursts;
    if (--p.left === 0) q.shift();
  }
}
