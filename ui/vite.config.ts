import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The desktop shell embeds ui/dist (tauri.conf.json frontendDist); relative paths keep it loadable offline.
export default defineConfig({
  base: "./",
  plugins: [svelte()],
  clearScreen: false,
  // A fixed port, so the shell's devUrl (if one is configured) always finds the dev server.
  server: { port: 5173, strictPort: true },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
