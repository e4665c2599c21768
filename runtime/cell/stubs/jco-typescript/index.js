// Stand-in for jco's typescript-compiler-api alias (see package.json).
// Only `jco new` (project scaffolding) imports it; Wetware never runs that.
// The project's own TypeScript is the root devDependency, not replaced.
throw new Error('jco\'s typescript-compiler-api is not installed in Wetware (runtime/cell/stubs/jco-typescript): `jco new` is not used; Wetware\'s own typescript is a devDependency');
