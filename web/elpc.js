// Loads elpc's WebAssembly build (elpc.wasm, built from ./src/lib.rs) and calls it.
// The module imports nothing and exports a tiny C ABI: elpc_alloc, elpc_compile,
// elpc_answer_len, memory. Requests and answers are UTF-8 JSON in its linear memory.

/** Instantiates elpc.wasm from `url`; resolves to an object with `compile(request)`. */
export async function loadElpc(url = new URL('./elpc.wasm', import.meta.url)) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
  const module = await WebAssembly.compile(await response.arrayBuffer());
  let exports = (await WebAssembly.instantiate(module, {})).exports;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return {
    /**
     * Compiles a policy. `request` is `{policy: {name, text}, env: [{name, text}], target,
     * profile, show_secrets}`; the answer is the document `elpc compile --format json` prints.
     */
    async compile(request) {
      const bytes = encoder.encode(JSON.stringify(request));
      try {
        const ptr = exports.elpc_alloc(bytes.length);
        new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
        const out = exports.elpc_compile(ptr, bytes.length);
        const len = exports.elpc_answer_len();
        return JSON.parse(decoder.decode(new Uint8Array(exports.memory.buffer, out, len)));
      } catch (e) {
        // A trap leaves the instance unusable: start a fresh one for the next request.
        exports = (await WebAssembly.instantiate(module, {})).exports;
        return { error: `elpc stopped: ${e}` };
      }
    },
  };
}
