// The TextMate grammars, tokenized by the same engine VS Code uses (vscode-textmate with the
// Oniguruma regex library), on sample files and on every policy and env file in policies/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const here = dirname(fileURLToPath(import.meta.url));
const extension = join(here, '..');
const repo = join(extension, '..', '..');

await oniguruma.loadWASM(readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer);
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async (scopeName) => {
    const file = { 'source.edgelake-policy': 'edgelake-policy', 'source.edgelake-env': 'edgelake-env' }[scopeName];
    if (!file) return null;
    const path = join(extension, 'syntaxes', `${file}.tmLanguage.json`);
    return vsctm.parseRawGrammar(readFileSync(path, 'utf8'), path);
  },
});
const policyGrammar = await registry.loadGrammar('source.edgelake-policy');
const envGrammar = await registry.loadGrammar('source.edgelake-env');

/** Every line of `text` as [{text, scopes}] tokens. */
function tokenize(grammar, text) {
  let state = vsctm.INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** The scopes of the first token whose text is exactly `word` on the line containing `context`. */
function scopesOf(lines, source, context, word) {
  const i = source.split('\n').findIndex((l) => l.includes(context));
  assert.ok(i >= 0, `no line contains ${context}`);
  const token = lines[i].find((t) => t.text === word);
  assert.ok(token, `no token ${JSON.stringify(word)} on line ${i + 1}: ${JSON.stringify(lines[i].map((t) => t.text))}`);
  return token.scopes.join(' ');
}

test('policy: references, casts, $ENV, if/then, commands, keys, strings, comments', () => {
  const source = readFileSync(join(here, 'fixtures', 'sample.policy'), 'utf8');
  const lines = tokenize(policyGrammar, source);
  const at = (context, word) => scopesOf(lines, source, context, word);
  assert.match(at("'port'", 'anylog_server_port'), /variable\.other\.reference/);
  assert.match(at("'port'", '.int'), /support\.function\.cast/);
  assert.match(at("'port'", 'port'), /support\.type\.property-name/);
  assert.match(at('!!operator_id', 'operator_id'), /variable\.other\.reference/);
  assert.match(at('!!operator_id', '!!'), /punctuation\.definition\.variable/);
  assert.match(at('local_scripts/policies', 'local_scripts'), /variable\.other\.reference/);
  assert.match(at('$ANYLOG_PATH', 'ANYLOG_PATH'), /variable\.other\.env/);
  assert.match(at('enable_ha', 'if'), /keyword\.control\.conditional/);
  assert.match(at('enable_ha', 'then'), /keyword\.control\.conditional/);
  assert.match(at('enable_ha', '=='), /keyword\.operator\.comparison/);
  assert.match(at('data distributor', 'run'), /keyword\.other\.command/);
  assert.match(at('create_table', 'run'), /keyword\.other\.command/);
  assert.match(at('create_table', 'where'), /keyword\.other\.where/);
  assert.match(at('create_table', 'and'), /keyword\.operator\.logical/);
  assert.match(at('buffer threshold', 'set'), /keyword\.other\.command/);
  assert.match(at('operator-1', 'operator-1'), /string\.quoted\.single/);
  assert.match(at('A policy with', '# A policy with everything the grammar colours.'.slice(1)), /comment\.line/);
  assert.match(at('trailing comment', ' trailing comment'), /comment\.line/);
  assert.match(at("'enabled'", 'True'), /constant\.language/);
  assert.match(at("'enabled'", '3'), /constant\.numeric/);
  // A word inside a value is not a command: only the first word of a script line is.
  assert.doesNotMatch(at("'name'", 'operator-1'), /keyword/);
});

test('policy: every !reference in the bundled policies is coloured as a reference', () => {
  const dirs = readdirSync(join(repo, 'policies'), { withFileTypes: true }).filter((d) => d.isDirectory());
  let seen = 0;
  for (const dir of dirs) {
    const source = readFileSync(join(repo, 'policies', dir.name, 'policy.policy'), 'utf8');
    const lines = tokenize(policyGrammar, source);
    source.split('\n').forEach((line, i) => {
      const code = line.replace(/#.*$/, '');
      for (const m of code.matchAll(/!!?([A-Za-z_][A-Za-z0-9_]*)/g)) {
        let offset = 0;
        const token = lines[i].find((t) => {
          const hit = offset <= m.index + m[0].length - 1 && m.index + m[0].length - 1 < offset + t.text.length;
          offset += t.text.length;
          return hit;
        });
        assert.ok(token, `${dir.name}/policy.policy:${i + 1}: no token at ${m[0]}`);
        assert.match(token.scopes.join(' '), /variable\.other\.reference/, `${dir.name}/policy.policy:${i + 1}: ${m[0]}`);
        seen += 1;
      }
    });
  }
  assert.ok(seen > 50, `only ${seen} references seen`);
});

test('env: keys, values, comments, quotes and interpolation', () => {
  const source = readFileSync(join(here, 'fixtures', 'sample.env'), 'utf8');
  const lines = tokenize(envGrammar, source);
  const at = (context, word) => scopesOf(lines, source, context, word);
  assert.match(at('Networking', '#'), /comment\.line/);
  assert.match(at('export', 'export'), /storage\.modifier\.export/);
  assert.match(at('export', 'NODE_TYPE'), /variable\.other\.env\.key/);
  assert.match(at('SERVER_PORT', 'ANYLOG_SERVER_PORT'), /variable\.other\.env\.key/);
  assert.match(at('SERVER_PORT', '32148'), /string\.unquoted/);
  assert.match(at('SERVER_PORT', ' the TCP port'), /comment\.line/);
  assert.match(at('COMPANY_NAME', 'COMPANY'), /variable\.other\.env\.edgelake-env/);
  assert.match(at('COMPANY_NAME', '$$'), /constant\.character\.escape/);
  assert.match(at('LOCAL_SCRIPTS', 'ANYLOG_PATH'), /variable\.other\.env\.edgelake-env/);
});

test('env: every key of the bundled env files is coloured as a key', () => {
  let seen = 0;
  for (const dir of readdirSync(join(repo, 'policies'), { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const file of readdirSync(join(repo, 'policies', dir.name)).filter((f) => f.endsWith('.env'))) {
      const source = readFileSync(join(repo, 'policies', dir.name, file), 'utf8');
      const lines = tokenize(envGrammar, source);
      source.split('\n').forEach((line, i) => {
        const m = line.match(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/);
        if (!m) return;
        const token = lines[i].find((t) => t.text === m[1]);
        assert.ok(token && /variable\.other\.env\.key/.test(token.scopes.join(' ')), `${dir.name}/${file}:${i + 1}`);
        seen += 1;
      });
    }
  }
  assert.ok(seen > 100, `only ${seen} keys seen`);
});
