import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** An image built by `scripts/test.sh` (see `images/README.md`). */
export interface BuiltImage {
  /** The reference it is imported under, e.g. `localhost/basalt/postgresql:15`. */
  ref: string;
  /** Its OCI image layout, as a tarball `ctr images import` takes. */
  tarball: string;
}

/**
 * The images `scripts/test.sh` built from Debian packages, by name (`pause`
 * and one per engine), from the index in `BASALT_IMAGES_DIR` (default
 * `~/.cache/basalt/images`).
 */
export async function builtImages(): Promise<Record<string, BuiltImage>> {
  const cacheHome =
    process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  const dir =
    process.env.BASALT_IMAGES_DIR ?? path.join(cacheHome, 'basalt', 'images');
  const index = path.join(dir, 'index.json');
  let images: Record<string, BuiltImage>;
  try {
    images = JSON.parse(await fs.readFile(index, 'utf8'));
  } catch (error) {
    throw new Error(
      `No image index at ${index} (${
        (error as Error).message
      }): run scripts/test.sh, which builds the images, or set BASALT_IMAGES_DIR`,
    );
  }
  if (!images.pause) {
    throw new Error(`${index} has no pause image: run scripts/test.sh`);
  }
  return images;
}
