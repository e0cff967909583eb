// Module resolution hook for conformance-over-stdio.mjs: the conformance suite's import of the SDK's Streamable
// HTTP client transport resolves to stdio-transport.mjs; every other import (the SDK's own included) is untouched.
const SWAPPED = "@modelcontextprotocol/sdk/client/streamableHttp.js";

export async function resolve(specifier, context, nextResolve) {
  if (specifier === SWAPPED && context.parentURL?.includes("/@modelcontextprotocol/conformance/")) {
    return { url: new URL("./stdio-transport.mjs", import.meta.url).href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
