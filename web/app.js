// The page: reads the policy and env files from the text areas, runs elpc (WebAssembly) on
// every edit, and shows the diagnostics, the commands, the servers and the resolved policy.
import { loadElpc } from './elpc.js';

const EXAMPLE_POLICY = `{'config': {
    'name': '!node_name',
    'ip': '!external_ip',
    'port': '!anylog_server_port.int',
    'rest_port': '!anylog_rest_port.int',
    'script': [
        'run scheduler 1',
        'if !enable_ha == true then run data distributor',
        'set node name = !node_name'
    ]
}}
`;
const EXAMPLE_ENV = `NODE_TYPE=operator
NODE_NAME=operator1
ANYLOG_SERVER_PORT=32148
ANYLOG_REST_PORT=32149
ENABLE_HA=false
`;

const $ = (id) => document.getElementById(id);

function addEnvFile(name, text) {
  const node = $('env-template').content.firstElementChild.cloneNode(true);
  node.querySelector('.env-name').value = name;
  node.querySelector('.env-text').value = text;
  node.querySelector('.remove-env').addEventListener('click', () => { node.remove(); schedule(); });
  $('env-files').append(node);
}

function request() {
  return {
    policy: { name: $('policy-name').value || 'node.policy', text: $('policy').value },
    env: [...document.querySelectorAll('.env-file')].map((f) => ({
      name: f.querySelector('.env-name').value || 'node.env',
      text: f.querySelector('.env-text').value,
    })),
    target: $('target').value,
    profile: $('profile').value,
    show_secrets: $('show-secrets').checked,
  };
}

function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function plural(n, word) { return `${n} ${word}${n === 1 ? '' : 's'}`; }

function show(answer) {
  const list = $('diagnostics');
  list.replaceChildren();
  if (answer.error) {
    list.append(element('li', 'error', answer.error));
    return;
  }
  // Errors first, then warnings, then notes; in file order within each.
  const rank = { error: 0, warning: 1, note: 2 };
  const diags = [...answer.diagnostics].sort((a, b) => rank[a.severity] - rank[b.severity]);
  for (const d of diags) {
    const li = element('li', d.severity);
    li.dataset.code = d.code;
    const head = element('div');
    head.append(element('span', 'code', `${d.code} ${d.severity}`), ` ${d.message} `,
      element('span', 'where', `${d.file}:${d.line}:${d.column} (${d.name})`));
    li.append(head);
    if (d.label) li.append(element('div', 'label', d.label));
    if (d.help) li.append(element('div', 'help', `help: ${d.help}`));
    for (const note of d.notes) li.append(element('div', 'note', `note: ${note}`));
    list.append(li);
  }
  if (diags.length === 0) list.append(element('li', 'none', 'No findings.'));
  const count = (s) => diags.filter((d) => d.severity === s).length;
  const notes = count('note') ? `, ${plural(count('note'), 'note')}` : '';
  $('summary').textContent = `— ${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}${notes}`;
  const commands = $('commands');
  commands.replaceChildren(...answer.commands.map((c) => element('li', '', c.command)));
  $('servers').textContent = JSON.stringify(answer.servers, null, 2);
  $('resolved').textContent = JSON.stringify(answer.resolved, null, 2);
}

let elpc;
let timer;
let running = Promise.resolve();

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(() => {
    running = running.then(async () => {
      if (!elpc) return;
      const started = performance.now();
      show(await elpc.compile(request()));
      $('status').textContent = `Checked in ${Math.max(1, Math.round(performance.now() - started))} ms.`;
      document.body.dataset.checked = String(Number(document.body.dataset.checked || 0) + 1);
    });
  }, 120);
}

$('policy').value = EXAMPLE_POLICY;
addEnvFile('base_configs.env', EXAMPLE_ENV);
$('add-env').addEventListener('click', () => { addEnvFile(`file${document.querySelectorAll('.env-file').length + 1}.env`, ''); });
document.querySelector('main').addEventListener('input', schedule);
document.querySelector('main').addEventListener('change', schedule);

try {
  elpc = await loadElpc();
  $('status').textContent = 'Ready.';
  schedule();
} catch (e) {
  $('status').textContent = `Could not load the compiler: ${e.message}`;
}
