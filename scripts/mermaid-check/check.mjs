// Checks Mermaid diagrams with Mermaid's own parser, the one GitHub's
// renderer runs, under jsdom instead of a browser.
//
//   node check.mjs [--counts] FILE...
//
// A Markdown file (one ending in .md or .markdown, or any file holding a
// ```mermaid fence, an insta snapshot of a report say) is checked block by
// block: every ```mermaid fence in it. An insta snapshot (.snap) without
// one is a diagram after its header. Any other file is one diagram. Each failure is
// printed as `FILE[:LINE]: message` (LINE: the block's opening fence);
// the exit code is 1 when any diagram fails, 2 on a usage error.
//
// With --counts, each ER diagram's entities and relationships, as
// Mermaid's parser read them, are printed on standard output as
// `FILE[:LINE] ENTITIES RELATIONSHIPS`, for a script to compare with
// another rendering of the same schema.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!DOCTYPE html><html><body></body></html>", {
  pretendToBeVisual: true,
});
// Mermaid and DOMPurify look for a browser's globals when they load.
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const name of ["Element", "HTMLElement", "Node", "DOMParser", "XMLSerializer"]) {
  if (!(name in globalThis)) globalThis[name] = dom.window[name];
}
if (!("navigator" in globalThis)) globalThis.navigator = dom.window.navigator;

const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

/** The diagrams in one file: `{ line, text }`, line 1-based. */
function diagramsOf(path, text) {
  const fenced = /^\s*(`{3,}|~{3,})\s*mermaid\s*$/m.test(text);
  if (!fenced && /\.snap$/i.test(path)) {
    // An insta snapshot of a diagram itself: the text after its header.
    const header = text.match(/^---\n[\s\S]*?\n---\n/);
    const line = header ? header[0].split("\n").length : 1;
    return [{ line, text: header ? text.slice(header[0].length) : text }];
  }
  if (!fenced && !/\.(md|markdown)$/i.test(path)) {
    return [{ line: null, text }];
  }
  const diagrams = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(/^(\s*)(`{3,}|~{3,})\s*mermaid\s*$/);
    if (!open) continue;
    const fence = open[2];
    const body = [];
    let j = i + 1;
    while (j < lines.length && !lines[j].trim().startsWith(fence)) {
      body.push(lines[j]);
      j++;
    }
    if (j === lines.length) {
      diagrams.push({ line: i + 1, text: null, error: "the ```mermaid block is never closed" });
    } else {
      diagrams.push({ line: i + 1, text: body.join("\n") });
    }
    i = j;
  }
  return diagrams;
}

const args = process.argv.slice(2);
const counts = args[0] === "--counts";
const files = counts ? args.slice(1) : args;
if (files.length === 0) {
  console.error("usage: node check.mjs [--counts] FILE...  (Mermaid files, or Markdown with ```mermaid blocks)");
  process.exit(2);
}

let failures = 0;
let checked = 0;
for (const path of files) {
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    console.error(`${path}: cannot read: ${e.message}`);
    failures++;
    continue;
  }
  const diagrams = diagramsOf(path, text);
  if (diagrams.length === 0) {
    console.error(`${path}: no \`\`\`mermaid block`);
    failures++;
  }
  for (const diagram of diagrams) {
    const where = diagram.line === null ? path : `${path}:${diagram.line}`;
    if (diagram.error) {
      console.error(`${where}: ${diagram.error}`);
      failures++;
      continue;
    }
    // Mermaid renders a longer one as "Maximum text size in diagram
    // exceeded" (its maxTextSize, in JavaScript string length), though it parses.
    if (diagram.text.length > 50000) {
      console.error(`${where}: ${diagram.text.length} characters, over the 50,000 Mermaid draws`);
      failures++;
      continue;
    }
    try {
      // Throws the parser's error for a diagram it refuses.
      await mermaid.parse(diagram.text);
      checked++;
      if (counts) {
        const parsed = await mermaid.mermaidAPI.getDiagramFromText(diagram.text);
        if (parsed.type === "er") {
          const entities = parsed.db.getEntities();
          const n = entities.size ?? Object.keys(entities).length;
          console.log(`${where} ${n} ${parsed.db.getRelationships().length}`);
        }
      }
    } catch (e) {
      console.error(`${where}: ${e.message ?? e}`);
      failures++;
    }
  }
}
const { version } = createRequire(import.meta.url)("mermaid/package.json");
console.error(`mermaid ${version}: ${checked} diagram(s) parsed, ${failures} failure(s)`);
process.exit(failures === 0 ? 0 : 1);
