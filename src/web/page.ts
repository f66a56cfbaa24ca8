/// <reference lib="dom" />
/**
 * index.html's script: loads the model beside the page, then answers what is typed — the label, every
 * class's probability as a bar, and each word's push (as `predict --explain`), coloured as the report
 * colours them. Bundled as page.js, importing sentiment.js as any other page would.
 */
import { esc, wordColour } from '../report/look.ts';
import { load, type PredictionObject } from './sentiment.ts';

/** What the page did when, for whoever measures it (the tests, a benchmark). */
interface PageTimes {
  /** Milliseconds from the script's start to the model loaded. */
  loadMs?: number;
  /** Milliseconds from the script's start to the first answer shown. */
  firstAnswerMs?: number;
  /** Milliseconds the last answer took: predicting, explaining and drawing it. */
  lastAnswerMs?: number;
  answers: number;
}

const times: PageTimes = { answers: 0 };
(globalThis as { sentimentPage?: PageTimes }).sentimentPage = times;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const box = $<HTMLTextAreaElement>('text');
const status = $<HTMLParagraphElement>('status');
const answer = $<HTMLElement>('answer');
const started = performance.now();

function show(r: PredictionObject, names: readonly string[]): void {
  $('label').textContent = r.label_name;
  $('source').textContent = r.source === 'memory' ? 'phrase memory' : 'model';
  $('bars').innerHTML = r.probabilities
    .map(
      (p, i) =>
        `<tr${i === r.class_index ? ' class="top"' : ''}><td>${esc(names[i])}</td><td class="bar"><span style="width:${(100 * p).toFixed(1)}%"></span></td><td class="n">${(100 * p).toFixed(1)}%</td></tr>`,
    )
    .join('');
  const words = r.explanation ?? [];
  const scale = Math.max(0.05, ...words.map((w) => Math.abs(w.contribution ?? 0)));
  $('words').innerHTML =
    r.source === 'memory'
      ? 'A training phrase: its probabilities are how often people gave each label, not a reading by the model.'
      : words
          .map((w) =>
            w.contribution === null
              ? `<span class="w" title="not measured">${esc(w.token)}</span>`
              : `<span class="w" style="background:${wordColour(w.contribution, scale)}" title="${w.contribution >= 0 ? '+' : ''}${w.contribution.toFixed(3)}">${esc(w.token)}</span>`,
          )
          .join(' ');
  $('legend').hidden = r.source === 'memory';
  answer.dataset.text = r.text;
  answer.dataset.probabilities = JSON.stringify(r.probabilities);
  answer.hidden = false;
}

try {
  const model = await load(new URL('model/', document.baseURI));
  times.loadMs = performance.now() - started;
  status.textContent = `Model loaded in ${(times.loadMs / 1000).toFixed(2)} s (${model.backend === 'wasm' ? 'WebAssembly' : 'JavaScript'}); it runs in this page, nothing leaves it.`;
  box.disabled = false;
  document.body.dataset.state = 'ready';
  let pending = 0;
  const answerNow = () => {
    pending = 0;
    const text = box.value;
    if (text.trim() === '') {
      answer.hidden = true;
      return;
    }
    const start = performance.now();
    show(model.predict([text], { explain: true })[0], model.labelNames);
    times.lastAnswerMs = performance.now() - start;
    times.answers += 1;
    times.firstAnswerMs ??= performance.now() - started;
    document.body.dataset.state = 'answered';
  };
  box.addEventListener('input', () => {
    if (pending) clearTimeout(pending);
    pending = window.setTimeout(answerNow, 80);
  });
  if (box.value.trim() !== '') answerNow();
  box.focus();
} catch (err) {
  status.textContent = `The model could not be loaded: ${(err as Error).message}`;
  document.body.dataset.state = 'error';
  throw err;
}
