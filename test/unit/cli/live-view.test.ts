import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Io } from '../../../cli/output.ts';
import { LiveView } from '../../../cli/render/live-view.ts';

function recordingIo(isTTY: boolean, rows = 10): Io & { writes: string[] } {
  const writes: string[] = [];
  return { writes, out: (text) => void writes.push(text), err: () => undefined, isTTY, columns: 20, rows };
}

describe('LiveView', () => {
  it('on a terminal, draws each frame over the previous one, lines cut to the width', () => {
    const io = recordingIo(true);
    const view = new LiveView(io);
    view.show('web deploying\nstep 1/5\n', 'a');
    view.show('web deploying\nstep 2/5 traffic-50 baking 1s of 3s\n\x1b[32mdone\x1b[39m\n', 'b');
    view.show('web stable\n', 'b');
    assert.deepEqual(io.writes, [
      'web deploying\nstep 1/5\n',
      '\x1b[2F\x1b[0Jweb deploying\nstep 2/5 traffic-50…\n\x1b[32mdone\x1b[39m\n',
      '\x1b[3F\x1b[0Jweb stable\n',
    ]);
  });

  it('on a terminal shorter than the frame, draws what fits and says what was left out', () => {
    const io = recordingIo(true, 4);
    const view = new LiveView(io);
    view.show('1\n2\n3\n4\n5\n6\n', 'a');
    view.show('1\n2\n', 'b');
    assert.deepEqual(io.writes, ['1\n2\n… 4 more lines\n', '\x1b[3F\x1b[0J1\n2\n']);
  });

  it('elsewhere, prints a frame only when it changed, frames a blank line apart', () => {
    const io = recordingIo(false);
    const view = new LiveView(io);
    view.show('step 1/5 0s\n', 'step 1');
    view.show('step 1/5 1s\n', 'step 1');
    view.show('step 2/5 0s\n', 'step 2');
    assert.deepEqual(io.writes, ['step 1/5 0s\n', '\nstep 2/5 0s\n']);
  });
});
