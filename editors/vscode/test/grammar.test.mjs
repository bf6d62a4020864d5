// The TextMate grammars, tokenized by the same engine VS Code uses (vscode-textmate with the
// Oniguruma regex library), on sample files, on every policy and env file in policies/ and on
// every real `.al` script in tests/corpus/scripts/.
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
    const file = {
      'source.edgelake-policy': 'edgelake-policy',
      'source.edgelake-env': 'edgelake-env',
      'source.edgelake-script': 'edgelake-script',
    }[scopeName];
    if (!file) return null;
    const path = join(extension, 'syntaxes', `${file}.tmLanguage.json`);
    return vsctm.parseRawGrammar(readFileSync(path, 'utf8'), path);
  },
});
const policyGrammar = await registry.loadGrammar('source.edgelake-policy');
const envGrammar = await registry.loadGrammar('source.edgelake-env');
const scriptGrammar = await registry.loadGrammar('source.edgelake-script');

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

const scripts = join(repo, 'tests', 'corpus', 'scripts');
const readScript = (name) => readFileSync(join(scripts, name), 'utf8');

test('script: labels, comments, if/then, do/else, commands, assignments, references, $ENV, blocks', () => {
  const source = readScript('EdgeLake+deployment-scripts__node-deployment__main.al');
  const lines = tokenize(scriptGrammar, source);
  const at = (context, word) => scopesOf(lines, source, context, word);
  assert.match(at('# The following is intended', '#'), /comment\.line/);
  assert.match(at(':set-debug:', 'set-debug'), /entity\.name\.label/);
  assert.match(at('on error call set-debug-error', 'on'), /keyword\.other\.command/);
  assert.match(at('on error call set-debug-error', 'set-debug-error'), /entity\.name\.label/);
  assert.match(at('if $ENABLE_TRACEBACK', 'if'), /keyword\.control\.conditional/);
  assert.match(at('if $ENABLE_TRACEBACK', 'ENABLE_TRACEBACK'), /variable\.other\.env/);
  assert.match(at('if $ENABLE_TRACEBACK', 'or'), /keyword\.operator\.logical/);
  assert.match(at('if $ENABLE_TRACEBACK', '=='), /keyword\.operator\.comparison/);
  assert.match(at('if $ENABLE_TRACEBACK', 'then'), /keyword\.control\.conditional/);
  assert.match(at('do set exception traceback on', 'do'), /keyword\.control/);
  assert.match(at('do set exception traceback on', 'set'), /keyword\.other\.command/);
  assert.match(at('else if $TRACE_LEVEL == 2', 'else'), /keyword\.control\.conditional/);
  assert.match(at('else if $TRACE_LEVEL == 2', 'if'), /keyword\.control\.conditional/);
  assert.match(at('version = get version', 'version'), /variable\.other\.assignment/);
  assert.match(at('version = get version', 'get'), /keyword\.other\.command/);
  assert.match(at('deployment_type = python', 'version'), /variable\.other\.reference/);
  assert.match(at('!deployment_type != AnyLog', '!='), /keyword\.operator\.comparison/);
  assert.match(at('!deployment_type != AnyLog', 'then'), /keyword\.control\.conditional/);
  assert.match(at('then set is_edgelake = true', 'true'), /constant\.language/);
  assert.match(at('then set anylog_path = $ANYLOG_PATH', 'ANYLOG_PATH'), /variable\.other\.env/);
  assert.match(at('process !local_scripts/node-deployment/set_params.al', 'process'), /keyword\.other\.command/);
  assert.match(at('process !local_scripts/node-deployment/set_params.al', 'local_scripts'), /variable\.other\.reference/);
  assert.match(at('do goto terminate-scripts', 'terminate-scripts'), /entity\.name\.label/);
  assert.match(at('print "Node type', 'Node type `publisher` not supported with EdgeLake deployment'), /string\.quoted\.double/);
  // A word inside a line is not a command: only the head of a line, or what follows `then`/`=`.
  const around = (context, fragment) => {
    const i = source.split('\n').findIndex((l) => l.includes(context));
    const token = lines[i].find((t) => t.text.includes(fragment));
    assert.ok(token, `no token with ${fragment} on line ${i + 1}`);
    return token.scopes.join(' ');
  };
  assert.doesNotMatch(around('set anylog home !anylog_path', 'home'), /keyword/);
  assert.doesNotMatch(around('create work directories', 'work'), /keyword/);
  assert.match(around('create work directories', 'create'), /keyword\.other\.command/);

  const block = readScript('EdgeLake+deployment-scripts__node-deployment__policies__config_policy.al');
  const blockLines = tokenize(scriptGrammar, block);
  const inBlock = (context, word) => scopesOf(blockLines, block, context, word);
  assert.match(inBlock('<do set policy new_policy [config][script] = [', '<'), /punctuation\.section\.block\.begin/);
  assert.match(inBlock('<do set policy new_policy [config][script] = [', 'do'), /keyword\.control/);
  assert.match(inBlock('<do set policy new_policy [config][script] = [', 'set'), /keyword\.other\.command.*|meta\.block/);
  assert.match(inBlock('<do set policy new_policy [config][script] = [', 'set'), /keyword\.other\.command/);
  // The script lines inside the block's strings: command words and references, as in policies.
  assert.match(inBlock('"run scheduler 1",', 'run'), /meta\.block.*keyword\.other\.command/);
  assert.match(inBlock('"if !enable_ha == true then run data distributor"', 'enable_ha'), /variable\.other\.reference/);
  assert.match(inBlock('"if !enable_ha == true then run data distributor"', 'then'), /keyword\.control\.conditional/);
  assert.match(inBlock(']>', '>'), /punctuation\.section\.block\.end/);
  // After the block closes, lines are top-level again.
  const after = block.split('\n').findIndex((l, i, all) => i > 0 && all[i - 1].trim() === ']>' && l.trim() !== '');
  assert.ok(after > 0);
  assert.ok(blockLines[after].every((t) => !t.scopes.join(' ').includes('meta.block')), block.split('\n')[after]);
});

/** The keys of EdgeLake's command table (src/edgelake/dispatch.rs, dumped from the runtime). */
function commandWords() {
  const dispatch = readFileSync(join(repo, 'src', 'edgelake', 'dispatch.rs'), 'utf8');
  const words = new Set([...dispatch.matchAll(/^\s*\("([a-z]+)/gm)].map((m) => m[1]));
  assert.ok(words.size > 50, `only ${words.size} command words in dispatch.rs`);
  return words;
}

test('script: every line head, label, !reference and $ENV of the corpus scripts is coloured', () => {
  const words = commandWords();
  const files = readdirSync(scripts).filter((f) => f.endsWith('.al'));
  assert.ok(files.length > 100, `only ${files.length} scripts`);
  const seen = { heads: 0, labels: 0, references: 0, env: 0 };
  for (const file of files) {
    const source = readScript(file);
    const lines = tokenize(scriptGrammar, source);
    const where = (i) => `${file}:${i + 1}: ${source.split('\n')[i].trim()}`;
    /** The scopes of the token covering character `index` of line `i`. */
    const scopesAt = (i, index) => {
      let offset = 0;
      for (const t of lines[i]) {
        if (index < offset + t.text.length) return t.scopes.join(' ');
        offset += t.text.length;
      }
      return '';
    };
    let inBlock = false;
    let openBrackets = 0;
    source.split('\n').forEach((raw, i) => {
      const line = raw.replace(/\r$/, '');
      const text = line.trim();
      if (text === '' || text.startsWith('#')) {
        if (text !== '') assert.match(scopesAt(i, line.indexOf('#')), /comment\.line/, where(i));
        return;
      }
      if (/^:[^:\s]+:$/.test(text)) {
        assert.match(scopesAt(i, line.indexOf(':') + 1), /entity\.name\.label/, where(i));
        seen.labels += 1;
        return;
      }
      const continuation = inBlock || openBrackets > 0;
      if (inBlock) {
        if (text.endsWith('>')) inBlock = false;
      } else if (text.startsWith('<')) {
        inBlock = !text.endsWith('>');
      }
      if (!inBlock && !text.startsWith('<')) {
        for (const c of text.replace(/"[^"]*"|'[^']*'/g, '')) openBrackets += '{['.includes(c) ? 1 : ']}'.includes(c) ? -1 : 0;
        openBrackets = Math.max(openBrackets, 0);
      }
      // The head of a line: `<`, `do`, `else`, then `if`, a command word or `name =`.
      if (!continuation) {
        const m = line.match(/^(\s*<?\s*(?:do\s+)?(?:else\s+)?)([A-Za-z_][A-Za-z0-9_]*)(\s*=(?!=))?(?=\s|$)/);
        if (m) {
          if (m[3]) {
            assert.match(scopesAt(i, m[1].length), /variable\.other\.assignment/, where(i));
            seen.heads += 1;
          } else if (['if', 'do', 'else'].includes(m[2])) {
            assert.match(scopesAt(i, m[1].length), /keyword\.control/, where(i));
            seen.heads += 1;
          } else if (words.has(m[2])) {
            assert.match(scopesAt(i, m[1].length), /keyword\.other\.command/, where(i));
            seen.heads += 1;
          }
        }
      }
      for (const m of line.matchAll(/(?<![A-Za-z0-9_!])!!?([A-Za-z_][A-Za-z0-9_]*)/g)) {
        assert.match(scopesAt(i, m.index + m[0].length - 1), /variable\.other\.reference/, `${where(i)} (${m[0]})`);
        seen.references += 1;
      }
      for (const m of line.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
        assert.match(scopesAt(i, m.index + m[0].length - 1), /variable\.other\.env/, `${where(i)} (${m[0]})`);
        seen.env += 1;
      }
    });
  }
  assert.ok(seen.heads > 3000, `only ${seen.heads} line heads seen`);
  assert.ok(seen.labels > 300, `only ${seen.labels} labels seen`);
  assert.ok(seen.references > 3000, `only ${seen.references} references seen`);
  assert.ok(seen.env > 500, `only ${seen.env} $ENV seen`);
});
