// The native file dialogs. Screens open dialogs only through here.
//
// Each dialog is shown by a short-lived child process of the desktop app (`pick_files`, `pick_save_path`; see
// src-tauri/src/dialogs.rs), never by the app's own process: a GTK file chooser opens the files it lists to sniff
// their type, and its folder monitor goes on doing so after it closes, and in the process that holds the database
// connection each of those closes drops its SQLite locks. After every dialog the shell is still asked to check its
// locks (`check_workspace_locks`), a second layer that costs nothing when nothing was lost.
import { invoke } from "@tauri-apps/api/core";

/** Which files a dialog lists: `{ name: "PEM certificate", extensions: ["pem", "crt"] }`. */
export interface DialogFilter {
  name: string;
  extensions: string[];
}

export interface OpenDialogOptions {
  title?: string;
  /** A folder to start in, or a file to start on. */
  defaultPath?: string;
  filters?: DialogFilter[];
  /** Several paths may be chosen; the answer is then a list. */
  multiple?: boolean;
  /** Folders are chosen instead of files. */
  directory?: boolean;
}

export interface SaveDialogOptions {
  title?: string;
  /** A folder to start in, a file name to suggest, or both as one path. */
  defaultPath?: string;
  filters?: DialogFilter[];
}

/** What `open` answers: the path (a list of them with `multiple: true`), or null when cancelled. */
export type OpenDialogReturn<T extends OpenDialogOptions | undefined> = T extends { multiple: true }
  ? string[] | null
  : string | null;

async function thenCheckLocks<T>(dialog: Promise<T>): Promise<T> {
  try {
    return await dialog;
  } finally {
    // Best effort: every write checks the locks itself too, so a failure here loses nothing.
    await invoke("check_workspace_locks").catch(() => undefined);
  }
}

async function pickFiles(options: OpenDialogOptions): Promise<string | string[] | null> {
  const paths = await invoke<string[] | null>("pick_files", { options });
  if (paths === null || paths === undefined) return null;
  if (options.multiple === true) return paths;
  return paths.length > 0 ? paths[0] : null;
}

export function open<T extends OpenDialogOptions | undefined = undefined>(options?: T): Promise<OpenDialogReturn<T>> {
  return thenCheckLocks(pickFiles(options ?? {})) as Promise<OpenDialogReturn<T>>;
}

export function save(options?: SaveDialogOptions): Promise<string | null> {
  return thenCheckLocks(
    invoke<string | null>("pick_save_path", { options: options ?? {} }).then((path) => path ?? null),
  );
}
