// Module resolution hook for `npm run worker`: resolves "server-only" as the server does, and
// nothing else, because rendering emails needs the full React build, not the react-server one.
export async function resolve(specifier, context, nextResolve) {
  if (specifier !== "server-only") return nextResolve(specifier, context);
  return nextResolve(specifier, { ...context, conditions: [...context.conditions, "react-server"] });
}
