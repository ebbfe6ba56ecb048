// Ace by DAISY over several EPUB files in one process (one browser for all of them).
// Usage: node ace-check.js OUT.json BOOK.epub...  Writes {book: {violations: [...], ...}}.
// The browser is the machine's (PUPPETEER_EXECUTABLE_PATH), launched headless with the
// flags a container without GPU or network needs.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const puppeteer = require('puppeteer');

const FLAGS = ['--headless', '--disable-gpu', '--disable-background-networking', '--no-sandbox'];
const launch = puppeteer.launch.bind(puppeteer);
puppeteer.launch = (options = {}) =>
  launch({
    ...options,
    executablePath: process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium',
    args: [...(options.args || []), ...FLAGS],
  });

const ace = require('@daisy/ace-core');
const runner = require('@daisy/ace-axe-runner-puppeteer');

function violations(report) {
  const out = [];
  for (const assertion of report.assertions || []) {
    const where = assertion['earl:testSubject'] ? assertion['earl:testSubject'].url : '';
    for (const a of assertion.assertions || []) {
      if (a['earl:result'] && a['earl:result']['earl:outcome'] === 'fail') {
        out.push({
          where,
          rule: a['earl:test']['dct:title'],
          impact: a['earl:test']['earl:impact'],
          message: a['earl:result']['dct:description'],
          pointer: a['earl:result']['earl:pointer'] ? a['earl:result']['earl:pointer'].css : [],
        });
      }
    }
  }
  return out;
}

async function main() {
  const [outFile, ...books] = process.argv.slice(2);
  const results = {};
  await runner.launch();
  try {
    for (const book of books) {
      const tmpdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ace-'));
      const outdir = path.join(tmpdir, 'report');
      const report = await ace(book, { cwd: process.cwd(), tmpdir, outdir, silent: true }, {
        ...runner,
        launch: async () => {},
        close: async () => {},
      });
      const json = Array.isArray(report) ? report[1] : report;
      results[book] = {
        outcome: json['earl:result'] ? json['earl:result']['earl:outcome'] : null,
        violations: violations(json),
        metadata: json['a11y-metadata'] || null,
      };
      fs.rmSync(tmpdir, { recursive: true, force: true });
    }
  } finally {
    await runner.close();
  }
  fs.writeFileSync(outFile, JSON.stringify(results, null, 1));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
