// One export, one packet: a single save dialog names the packet, and the JSON, its signature and the PDF are all
// written beside each other from one build, in one call.

export type PacketPaths = { base: string; json: string; pdf: string; signature: string };

/**
 * The files one packet is saved as, from the name chosen in the save dialog: whatever its extension (`.json`,
 * `.pdf`, `.json.sig` or none), `<base>.json`, `<base>.json.sig` and `<base>.pdf` in the same folder.
 */
export function packetPaths(chosen: string): PacketPaths {
  const slash = Math.max(chosen.lastIndexOf("/"), chosen.lastIndexOf("\\"));
  const folder = chosen.slice(0, slash + 1);
  let name = chosen.slice(slash + 1);
  for (const ext of [".json.sig", ".json", ".pdf", ".sig"]) {
    if (name.toLowerCase().endsWith(ext) && name.length > ext.length) {
      name = name.slice(0, -ext.length);
      break;
    }
  }
  const base = folder + name;
  return { base, json: `${base}.json`, pdf: `${base}.pdf`, signature: `${base}.json.sig` };
}

/** The name the save dialog suggests for a launch's packet. */
export function suggestedName(launchId: string): string {
  return `${launchId}-signoff-packet.json`;
}
