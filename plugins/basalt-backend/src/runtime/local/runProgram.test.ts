import { getPriority, tmpdir } from 'os';
import { resolveEngineUser } from './engineUser';
import { BACKGROUND_NICENESS } from '../niced';
import { runProgram } from './runProgram';

/** The niceness of the program's own process and of one it forks. */
async function nicenessOf(background: boolean): Promise<number[]> {
  const { stdout } = await runProgram({
    file: '/bin/sh',
    // Field 19 of /proc/<pid>/stat is the niceness.
    args: [
      '-c',
      'cut -d" " -f19 /proc/$$/stat; sh -c \'cut -d" " -f19 /proc/$$/stat\'',
    ],
    cwd: tmpdir(),
    env: { PATH: '/usr/bin:/bin' },
    user: await resolveEngineUser('nobody'),
    timeoutMs: 10_000,
    background,
  });
  return stdout.trim().split('\n').map(Number);
}

describe('runProgram', () => {
  it('runs background work, and what it forks, at a lower CPU priority', async () => {
    const lowered = getPriority() + BACKGROUND_NICENESS;

    expect(await nicenessOf(true)).toEqual([lowered, lowered]);
  });

  it('runs other programs at the backend’s own priority', async () => {
    expect(await nicenessOf(false)).toEqual([getPriority(), getPriority()]);
  });
});
