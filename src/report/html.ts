/**
 * The report as one HTML file: styles inline, every chart an inline SVG, no script and nothing fetched,
 * so it opens offline and can be mailed. Each section has an id; tables carry the numbers the charts
 * draw (readable without the pictures, and what the tests check).
 */
import type { ReportData } from './report-data.ts';
import { shownWords } from '../predict/explain.ts';
import { esc, STYLE, wordColour } from './look.ts';

export interface ReportCharts {
  curves: { member: string; svg: string }[];
  confusion: string;
  perClass: string;
  members: string | null;
  reliability: string;
  byLength: string;
  byUnknown: string | null;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');
const num = (x: number, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const int = (x: number) => x.toLocaleString('en-US');

function mistakesTable(data: ReportData): string {
  if (!data.wrong) return '<p>No wrong answers.</p>';
  if (!data.mistakes.length) return `<p>${int(data.wrong)} wrong answers; none listed (--mistakes 0).</p>`;
  const rows = data.mistakes.map((m) => {
    let text = esc(m.text);
    if (m.words) {
      const { hidden, words } = shownWords(m.words);
      const scale = Math.max(0.05, ...words.map((w) => Math.abs(w.contribution ?? 0)));
      text =
        (hidden ? `<span class="note">… ${int(hidden)} earlier words …</span> ` : '') +
        words
          .map((w) =>
            w.contribution === null
              ? `<span class="w" title="not measured">${esc(w.token)}</span>`
              : `<span class="w" style="background:${wordColour(w.contribution, scale)}" title="${w.contribution >= 0 ? '+' : ''}${w.contribution.toFixed(3)}">${esc(w.token)}</span>`,
          )
          .join(' ');
    } else text += ' <span class="note">(answered from the phrase memory: no explanation)</span>';
    return `<tr><td class="text">${text}</td><td>${esc(m.truth)}</td><td>${esc(m.predicted)}</td><td class="n">${pct(m.probability)}</td></tr>`;
  });
  return `<p class="legend note">Words as the model reads them, coloured by occlusion: how much the answer's probability
drops without the word (<span style="background:rgba(255,127,14,.6)">toward the wrong answer</span>,
<span style="background:rgba(31,119,180,.6)">away from it</span>; hover for the number).
The ${int(data.mistakes.length)} most confident of ${int(data.wrong)} wrong answers.</p>
<table class="mistakes"><thead><tr><th>text</th><th>true</th><th>answered</th><th class="n">probability</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

function confusionTable(data: ReportData): string {
  const names = data.evaluation.labelNames;
  const head = names.map((n) => `<th class="n">${esc(n)}</th>`).join('');
  const rows = data.evaluation.report.confusion.map(
    (row, t) =>
      `<tr><th>${esc(names[t])}</th>${row.map((c, p) => `<td class="n" data-true="${t}" data-predicted="${p}">${int(c)}</td>`).join('')}</tr>`,
  );
  return `<div class="scroll"><table class="confusion"><thead><tr><th>true \\ predicted</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function perClassTable(data: ReportData): string {
  const { report, labelNames } = data.evaluation;
  const rows = report.perClass.map(
    (c, i) =>
      `<tr><td>${esc(labelNames[i])}</td><td class="n">${num(c.precision)}</td><td class="n">${num(c.recall)}</td><td class="n">${num(c.f1)}</td><td class="n">${int(c.support)}</td></tr>`,
  );
  return `<table><thead><tr><th>class</th><th class="n">precision</th><th class="n">recall</th><th class="n">F1</th><th class="n">support</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function membersSection(data: ReportData, svg: string | null): string {
  const e = data.evaluation;
  const memory =
    e.fromMemory > 0
      ? `<p>The phrase memory answered ${int(e.fromMemory)} of ${int(e.report.count)} rows (${pct(e.fromMemory / e.report.count)}): texts seen in training get their training label.</p>`
      : '<p>The phrase memory answered no row (none of these texts is a training phrase, or the model has no memory).</p>';
  if (!e.parts.length) return `<p>One member.</p>${memory}`;
  const rows = e.parts.map(
    (p) => `<tr><td>${esc(p.kind)}</td><td class="n">${num(p.accuracy)}</td><td class="n">${num(p.loss)}</td></tr>`,
  );
  return `<p>Every member and their blend on the same rows, the memory aside.</p>
<table><thead><tr><th>member</th><th class="n">accuracy</th><th class="n">loss</th></tr></thead><tbody>${rows.join('')}</tbody></table>
${svg ? `<figure>${svg}</figure>` : ''}${memory}`;
}

function slicesTable(slices: ReportData['byLength'], what: string): string {
  const rows = slices.map(
    (s) => `<tr><td>${esc(s.label)}</td><td class="n">${int(s.count)}</td><td class="n">${pct(s.accuracy)}</td></tr>`,
  );
  return `<table><thead><tr><th>${esc(what)}</th><th class="n">rows</th><th class="n">accuracy</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function reportHtml(data: ReportData, charts: ReportCharts, made: { date: string; title: string }): string {
  const e = data.evaluation;
  const r = e.report;
  const card = data.card.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('');
  const curves = charts.curves.length
    ? charts.curves.map((c) => `<figure data-member="${esc(c.member)}">${c.svg}</figure>`).join('')
    : '<p>No training history in the model directory.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(made.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${esc(made.title)}</h1>
<p class="sub">Made by sentiment report on ${esc(made.date)}.</p>
<section id="card"><h2>Model</h2>
<div class="headline">
<div>accuracy<b>${num(r.accuracy)}</b></div><div>macro-F1<b>${num(r.macroF1)}</b></div>
<div>loss<b>${num(e.loss)}</b></div><div>majority-class floor<b>${num(r.majorityAccuracy)}</b></div>
<div>rows<b>${int(r.count)}</b></div></div>
<table class="card">${card}</table></section>
<section id="curves"><h2>Training curves</h2><p class="note">Loss and accuracy per epoch on the training and validation rows; the dashed line is the epoch whose weights the model kept.</p>${curves}</section>
<section id="confusion"><h2>Confusion matrix</h2><figure>${charts.confusion}</figure>${confusionTable(data)}</section>
<section id="classes"><h2>Per class</h2>${perClassTable(data)}<figure>${charts.perClass}</figure></section>
<section id="members"><h2>Members and blend</h2>${membersSection(data, charts.members)}</section>
<section id="calibration"><h2>Calibration</h2>
<p>Expected calibration error <b>${num(data.calibration.ece)}</b>: rows binned by the probability of the class answered
(10 equal bins); the mean gap between each bin's accuracy and its confidence, weighted by its rows. 0 is calibrated; points under the diagonal are over-confident.</p>
<figure>${charts.reliability}</figure></section>
<section id="slices"><h2>Where it is right</h2>
<h3>By length (words)</h3><figure>${charts.byLength}</figure>${slicesTable(data.byLength, 'words')}
${
  data.byUnknown && charts.byUnknown
    ? `<h3>By words the model does not know</h3><p class="note">${
        data.unknownMeans === 'training rows'
          ? 'Words that never occur in the rows it trained on, or are rarer than its num_words (no embedding of their own).'
          : "Words outside its tokenizer's vocabulary: not in its training file, or rarer than its num_words."
      }</p><figure>${charts.byUnknown}</figure>${slicesTable(data.byUnknown, 'unknown words')}`
    : ''
}</section>
<section id="mistakes"><h2>Most confident mistakes</h2>${mistakesTable(data)}</section>
</body></html>
`;
}
