// The native file dialogs, and the one thing to do after each. A GTK file chooser opens the files it lists to
// sniff their type; when it lists the workspace's folder, closing those descriptors drops this process's SQLite
// locks on the database. The shell then takes them back (`check_workspace_locks`) before anything else runs.
// Screens open dialogs only through here.
import { invoke } from "@tauri-apps/api/core";
import { open as openNative, save as saveNative } from "@tauri-apps/plugin-dialog";

type OpenOptions = Parameters<typeof openNative>[0];
type SaveOptions = Parameters<typeof saveNative>[0];

async function thenCheckLocks<T>(dialog: Promise<T>): Promise<T> {
  try {
    return await dialog;
  } finally {
    // Best effort: every write checks the locks itself too, so a failure here loses nothing.
    await invoke("check_workspace_locks").catch(() => undefined);
  }
}

export const open = (options?: OpenOptions) => thenCheckLocks(openNative(options));
export const save = (options?: SaveOptions) => thenCheckLocks(saveNative(options));
