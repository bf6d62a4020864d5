// The elpc extension: starts `elpc lsp` and hands it EdgeLake policies (`*.policy`, and JSON
// files whose root key is `config`), EdgeLake env files, `.al` scripts and `elpc.toml`.
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

/** The server command from the settings: `elpc.path lsp ...elpc.extraArgs`. */
function serverOptions(): ServerOptions {
  const config = vscode.workspace.getConfiguration('elpc');
  const command = config.get<string>('path') || 'elpc';
  const args = ['lsp', ...(config.get<string[]>('extraArgs') ?? [])];
  return { command, args, transport: TransportKind.stdio };
}

function clientOptions(): LanguageClientOptions {
  return {
    documentSelector: [
      { scheme: 'file', language: 'edgelake-policy' },
      { scheme: 'file', language: 'edgelake-env' },
      // `.al` scripts by language only: another extension (Business Central's AL) may own
      // `.al` too, and its files are not EdgeLake scripts.
      { scheme: 'file', language: 'edgelake-script' },
      // Other env files (`*.env`, `.env`) whatever language another extension gives them.
      { scheme: 'file', pattern: '**/{*.env,.env}' },
      // JSON policies: the server checks only those whose root key is `config`.
      { scheme: 'file', language: 'json' },
      { scheme: 'file', pattern: '**/elpc.toml' },
    ],
    synchronize: {
      // Env files, scripts and elpc.toml edited outside the editor re-check the documents using them.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.env,.env,elpc.toml,*.policy,*.al}'),
    },
    outputChannelName: 'elpc',
  };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  client = new LanguageClient('elpc', 'elpc', serverOptions(), clientOptions());
  try {
    await client.start();
  } catch (e) {
    const path = vscode.workspace.getConfiguration('elpc').get<string>('path') || 'elpc';
    void vscode.window.showErrorMessage(
      `elpc: could not start \`${path} lsp\` (${e}). Install elpc (cargo install --locked --path . ` +
        'in its repository) or set "elpc.path" to the executable.',
    );
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand('elpc.restart', async () => {
      await client?.stop();
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('elpc.path') || e.affectsConfiguration('elpc.extraArgs')) {
        await client?.stop();
        await start(context);
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
