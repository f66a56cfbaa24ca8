import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compareFigures, formatComparison, readResults } from '../../bench/compare.ts';
import { ROOT, tempDir } from '../helpers.ts';

const sample = (median: number) => ({ median, min: median, max: median, runs: [median] });
const result = (submission: number, epoch: number, cold: number) => ({
  cpus: '2 × CPU',
  engines: [
    {
      engine: 'blas',
      steps: { '512x8': sample(0.2) },
      epoch: { seconds: epoch },
      predict: { coldPredict: sample(cold), submissionPhrasesPerSecond: sample(submission) },
    },
  ],
  startup_seconds: sample(0.2),
});

describe('bench --compare', () => {
  it('marks a figure more than 15% worse, whichever way is worse for it', () => {
    const rows = compareFigures(result(10_000, 40, 1), result(8_000, 47, 0.5));
    const by = new Map(rows.map((r) => [r.name, r]));
    assert.equal(by.get('blas: submission')?.worse, true, 'fewer phrases/s is worse');
    assert.equal(by.get('blas: epoch')?.worse, true, '17.5% longer');
    assert.equal(by.get('blas: cold predict (memory)')?.worse, false, 'faster is not worse');
    assert.equal(by.get('blas: training step 512x8')?.ratio, 1);
    assert.equal(
      compareFigures(result(10_000, 40, 1), result(8_600, 45, 1)).filter((r) => r.worse).length,
      0,
      'within 15%',
    );
    const text = formatComparison(rows, 'old.json');
    assert.match(text, /blas: submission +10000 phrases\/s +8000 phrases\/s +0\.80× +WORSE/);
    assert.match(text, /2 figures more than 15% worse/);
  });

  it('compares peak memory as it compares times: more is worse (training, cold predicts, the bench process)', () => {
    const withMemory = (mb: number) => ({
      ...result(10_000, 40, 1),
      engines: [
        {
          ...result(10_000, 40, 1).engines[0],
          trainingPeakRssMb: mb,
          predict: { coldPredict: sample(1), coldPredictRssMb: mb / 2, coldPredictUnseenRssMb: mb / 2 },
        },
      ],
      peak_rss_mb: mb,
    });
    const rows = compareFigures(withMemory(500), withMemory(700));
    for (const name of [
      'blas: training peak RSS',
      'blas: cold predict (memory), peak RSS',
      'blas: cold predict (unseen phrase), peak RSS',
      'the bench process, peak RSS',
    ])
      assert.equal(rows.find((r) => r.name === name)?.worse, true, name);
  });

  it("flags today's submission figure against the committed 2026-11-27 results", () => {
    const was = readResults(join(ROOT, 'bench', 'results', '2026-11-27T20-25-19-495Z.json'));
    const regressed = readResults(join(ROOT, 'bench', 'results', '2026-11-28T14-58-19-487Z-quick.json'));
    const submission = compareFigures(was, regressed).find((r) => r.name === 'blas: submission');
    assert.ok(submission?.worse, 'the 3x slower scoring of 28 November is marked');
    assert.match(formatComparison(compareFigures(was, regressed), 'x', [was, regressed]), /blas: submission .* WORSE/);
  });

  it('a missing, cut-short or directory results file is one line and exit 2, before any benchmark runs', () => {
    const dir = tempDir();
    const cut = join(dir, 'cut.json');
    writeFileSync(
      cut,
      readFileSync(join(ROOT, 'bench', 'results', '2026-11-27T20-25-19-495Z.json'), 'utf8').slice(0, 200),
    );
    const good = join(ROOT, 'bench', 'results', '2026-11-27T20-25-19-495Z.json');
    for (const [args, message] of [
      [['--compare', join(dir, 'none.json')], /none\.json: no such file/],
      [['--compare', cut], /cut\.json: not a results file/],
      [['--compare', dir], /is a directory/],
      [['--compare', good, '--against', join(dir, 'none.json')], /none\.json: no such file/],
      [['--against', good], /--against needs --compare/],
    ] as const) {
      const started = Date.now();
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'run.ts'), ...args], {
        encoding: 'utf8',
        cwd: ROOT,
        timeout: 60_000,
      });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /^\s+at /m);
      assert.ok(Date.now() - started < 30_000, 'refused before benchmarking');
    }
  });
});
