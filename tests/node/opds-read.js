// Parse digestconv's OPDS catalogs with Readium's r2-opds-js (the parser behind Thorium)
// and print what it found as JSON, for tests/test_opds_clients.py to check.
//   node opds-read.js atom catalog.xml   → OPDS 1 feed, converted to OPDS 2 as Thorium does
//   node opds-read.js json catalog.json  → OPDS 2 feed
"use strict";
const fs = require("fs");
const { DOMParser } = require("@xmldom/xmldom");
const dist = "dist/es8-es2017/src";
const { XML } = require(`r2-utils-js/${dist}/_utils/xml-js-mapper`);
const { TaJsonDeserialize } = require(`r2-lcp-js/${dist}/serializable`);
const { OPDS } = require(`r2-opds-js/${dist}/opds/opds1/opds`);
const { OPDSFeed } = require(`r2-opds-js/${dist}/opds/opds2/opds2`);
const { convertOpds1ToOpds2 } = require(`r2-opds-js/${dist}/opds/converter`);
const {
  initGlobalConverters_OPDS,
  initGlobalConverters_GENERIC,
} = require(`r2-opds-js/${dist}/opds/init-globals`);

initGlobalConverters_GENERIC();
initGlobalConverters_OPDS();

function text(value) {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  return Object.values(value)[0];
}

function date(value) {
  return value instanceof Date && !isNaN(value) ? value.toISOString() : null;
}

function links(list) {
  return (list || []).map((l) => ({ href: l.Href, type: l.TypeLink || null, rel: l.Rel || [] }));
}

function summary(feed) {
  return {
    title: text(feed.Metadata && feed.Metadata.Title),
    modified: date(feed.Metadata && feed.Metadata.Modified),
    links: links(feed.Links),
    publications: (feed.Publications || []).map((p) => ({
      title: text(p.Metadata.Title),
      identifier: p.Metadata.Identifier || null,
      language: p.Metadata.Language || [],
      authors: (p.Metadata.Author || []).map((a) => text(a.Name)),
      modified: date(p.Metadata.Modified),
      published: date(p.Metadata.PublicationDate),
      description: p.Metadata.Description || null,
      links: links(p.Links),
      images: links(p.Images),
    })),
  };
}

const [kind, path] = process.argv.slice(2);
const source = fs.readFileSync(path, "utf8");
let feed;
if (kind === "atom") {
  const errors = [];
  const dom = new DOMParser({
    onError: (level, message) => errors.push(`${level}: ${message}`),
  }).parseFromString(source, "application/xml");
  if (errors.length) throw new Error(errors.join("\n"));
  const opds1 = XML.deserialize(dom, OPDS);
  feed = convertOpds1ToOpds2(opds1);
} else if (kind === "json") {
  feed = TaJsonDeserialize(JSON.parse(source), OPDSFeed);
} else {
  throw new Error(`unknown kind ${kind}`);
}
process.stdout.write(JSON.stringify(summary(feed), null, 2) + "\n");
