import { describe, expect, it } from 'vitest';
import { lineChart, renderSvg } from './plot.ts';

describe('plots', () => {
  it('renders a line chart to SVG with its title, axes and one path per series', async () => {
    const rows = [1, 2, 4, 8].flatMap((x) => [
      { w: x, bits: x * 100, block: 'basic' },
      { w: x, bits: x * 300, block: 'bottleneck' },
    ]);
    const svg = await renderSvg(
      lineChart({ rows, x: { field: 'w', title: 'width W' }, y: { field: 'bits', title: 'FIFO bits', log: true }, series: { field: 'block', title: 'block' }, title: 'skip FIFO vs width' }),
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('skip FIFO vs width');
    expect(svg).toContain('width W');
    expect(svg).toContain('bottleneck');
    // one line mark per series
    expect(svg.match(/mark-line role-mark/g)?.length).toBe(2);
  });
});
