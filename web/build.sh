#!/usr/bin/env bash
# Builds elpc.wasm (the core, for wasm32-unknown-unknown) next to index.html.
# Needs: rustup target add wasm32-unknown-unknown
set -euo pipefail
cd "$(dirname "$0")"
cargo build --locked --package elpc-web --profile wasm --target wasm32-unknown-unknown
cp ../target/wasm32-unknown-unknown/wasm/elpc_web.wasm elpc.wasm
ls -l elpc.wasm
