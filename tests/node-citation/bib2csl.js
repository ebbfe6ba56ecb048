// Reads a .bib file with citation-js (core + plugin-bibtex) and prints its CSL-JSON,
// the form every citation-js based tool imports BibTeX into.
"use strict";
const fs = require("fs");
const { Cite } = require("@citation-js/core");
require("@citation-js/plugin-bibtex");

const text = fs.readFileSync(process.argv[2], "utf8");
const items = new Cite(text, { forceType: "@biblatex/text" }).data;
process.stdout.write(JSON.stringify(items.map(({ _graph, ...item }) => item)));
