import fs from 'node:fs';
import path from 'node:path';

// Test files run in parallel, each starting engines on ports from its own
// range; two files sharing a range race for the same ports. Only the
// Kubernetes suites, which run one at a time, may share theirs.
const PLUGINS = path.resolve(__dirname, '../..');
const RANGE = /from: (\d+), to: (\d+)/g;

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'node_modules' ? [] : testFiles(file);
    }
    return /\.test\.tsx?$/.test(entry.name) ? [file] : [];
  });
}

const isKube = (range: { file: string }) =>
  range.file.endsWith('.kube.test.ts');

describe('test port ranges', () => {
  it('are never shared by two test files', () => {
    const ranges = testFiles(PLUGINS).flatMap(file =>
      [...fs.readFileSync(file, 'utf8').matchAll(RANGE)].map(match => ({
        file: path.relative(PLUGINS, file),
        from: Number(match[1]),
        to: Number(match[2]),
      })),
    );
    expect(ranges.length).toBeGreaterThan(20);
    const overlaps = ranges.flatMap((a, i) =>
      ranges
        .slice(i + 1)
        .filter(b => b.file !== a.file && !(isKube(a) && isKube(b)))
        .filter(b => a.from <= b.to && b.from <= a.to)
        .map(
          b => `${a.file} ${a.from}-${a.to} and ${b.file} ${b.from}-${b.to}`,
        ),
    );
    expect(overlaps).toEqual([]);
  });
});
