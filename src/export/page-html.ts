/** index.html of an export: the report's look, a text box, and the slots page.js fills. */
import { esc, STYLE } from '../report/look.ts';
import { WEB_FILES } from './bundle.ts';

const PAGE_STYLE = `
textarea { width: 100%; box-sizing: border-box; font: inherit; padding: 8px 10px; border: 1px solid #ccc; border-radius: 6px; }
#bars td.bar { width: 320px; } #bars td.bar span { display: block; height: 14px; background: #4c78a8; border-radius: 2px; }
#bars tr.top td { font-weight: 600; } #bars tr.top td.bar span { background: #f58518; }
#words { line-height: 1.9; }
`;

export interface PageText {
  /** The model's name (its directory's), shown as the title. */
  name: string;
  /** One line about it: members, classes, the phrase memory. */
  about: string;
}

export function pageHtml(p: PageText): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(p.name)} · sentiment</title><style>${STYLE}${PAGE_STYLE}</style></head>
<body data-state="loading">
<h1>${esc(p.name)}</h1>
<p class="sub">${esc(p.about)}</p>
<textarea id="text" rows="3" placeholder="Type a phrase: a gorgeous , witty , seductive movie" disabled></textarea>
<p id="status" class="note">Loading the model…</p>
<section id="answer" hidden>
<div class="headline"><div>answer<b id="label"></b></div><div>from<b id="source"></b></div></div>
<table id="bars"></table>
<p id="words"></p>
<p class="note legend" id="legend">How much the answer's probability drops without each word:
<span style="background:rgba(255,127,14,.6)">pushed toward the answer</span>
<span style="background:rgba(31,119,180,.6)">away from it</span>; hover for the number.</p>
</section>
<script type="module" src="${WEB_FILES.page}"></script>
</body></html>
`;
}
