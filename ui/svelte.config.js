// Svelte 5 compiles TypeScript in <script lang="ts"> itself; no preprocessors are needed.
/** @type {import("@sveltejs/vite-plugin-svelte").SvelteConfig} */
export default {
  compilerOptions: { runes: true },
};
