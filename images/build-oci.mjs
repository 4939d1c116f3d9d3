#!/usr/bin/env node
/**
 * Packs layer tarballs into an OCI image layout tarball, as
 * `ctr -n k8s.io images import` and `docker load` take it. No registry, no
 * daemon, no dependencies beyond Node itself.
 *
 *   node images/build-oci.mjs IMAGE_JSON OUT_TAR LAYER_TAR...
 *
 * IMAGE_JSON holds `ref` (the full reference, e.g.
 * `localhost/basalt/postgresql:15`) and `config` (the image configuration:
 * User, Env, Entrypoint, ...). The layers are uncompressed tarballs, lowest
 * first; each is gzipped into a blob, its diff_id being the digest of the
 * uncompressed tar. OUT_TAR is written beside its final name and renamed
 * over it, so it is either complete or absent.
 */
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
};

/** Node's names for CPU architectures, in the OCI's (Go's) terms. */
const ARCHITECTURES = {
  x64: 'amd64',
  arm64: 'arm64',
  ppc64: 'ppc64le',
  s390x: 's390x',
};

/** A pass-through stream that hashes and counts what flows through it. */
function digester() {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  return {
    stream,
    result: () => ({ digest: `sha256:${hash.digest('hex')}`, size }),
  };
}

const sha256 = bytes =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** A blob of the layout: its content as JSON bytes, digest and size. */
function jsonBlob(value) {
  const bytes = Buffer.from(JSON.stringify(value));
  return { bytes, digest: sha256(bytes), size: bytes.length };
}

/** Gzips one layer into a file in `dir`, hashing both sides on the way. */
async function packLayer(layer, dir) {
  const uncompressed = digester();
  const compressed = digester();
  const file = join(dir, `layer-${basename(layer)}.gz`);
  await pipeline(
    createReadStream(layer),
    uncompressed.stream,
    createGzip({ level: 6 }),
    compressed.stream,
    createWriteStream(file),
  );
  return { file, diffId: uncompressed.result().digest, ...compressed.result() };
}

/** One 512-byte ustar header; `size` in bytes, directories have none. */
function tarHeader(name, size, type) {
  if (Buffer.byteLength(name) > 100)
    throw new Error(`tar entry name too long: ${name}`);
  if (size >= 8 ** 11) throw new Error(`tar entry too large: ${name}`);
  const header = Buffer.alloc(512);
  const field = (offset, length, value) =>
    header.write(value, offset, length, 'utf8');
  const octal = (offset, length, value) =>
    field(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
  field(0, 100, name);
  octal(100, 8, type === '5' ? 0o755 : 0o644);
  octal(108, 8, 0); // uid
  octal(116, 8, 0); // gid
  octal(124, 12, size);
  octal(136, 12, 0); // mtime: the epoch, for a reproducible tarball
  field(148, 8, ' '.repeat(8)); // checksum, counted as spaces
  field(156, 1, type);
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  field(265, 32, 'root');
  field(297, 32, 'root');
  let checksum = 0;
  for (const byte of header) checksum += byte;
  field(148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
  return header;
}

const padding = size => Buffer.alloc((512 - (size % 512)) % 512);

/** Writes the tarball: entries of bytes, or of files streamed from disk. */
async function writeTar(out, entries) {
  async function* chunks() {
    for (const entry of entries) {
      if (entry.type === 'dir') {
        yield tarHeader(`${entry.name}/`, 0, '5');
      } else if (entry.bytes) {
        yield tarHeader(entry.name, entry.bytes.length, '0');
        yield entry.bytes;
        yield padding(entry.bytes.length);
      } else {
        const size = statSync(entry.file).size;
        yield tarHeader(entry.name, size, '0');
        yield* createReadStream(entry.file);
        yield padding(size);
      }
    }
    yield Buffer.alloc(1024); // two empty blocks end the archive
  }
  await pipeline(chunks, createWriteStream(out));
}

async function main([imageJson, out, ...layers]) {
  if (!imageJson || !out || layers.length === 0) {
    throw new Error('usage: build-oci.mjs IMAGE_JSON OUT_TAR LAYER_TAR...');
  }
  const image = JSON.parse(readFileSync(imageJson, 'utf8'));
  const tag = /:([^:/]+)$/.exec(image.ref ?? '')?.[1];
  if (!tag)
    throw new Error(`${imageJson}: "ref" must be a full reference with a tag`);
  const architecture =
    image.architecture ?? ARCHITECTURES[process.arch] ?? process.arch;

  const target = resolve(out);
  const dir = mkdtempSync(join(dirname(target), `.${basename(target)}.`));
  try {
    const packed = [];
    for (const layer of layers) packed.push(await packLayer(layer, dir));

    const config = jsonBlob({
      architecture,
      os: 'linux',
      config: image.config ?? {},
      rootfs: { type: 'layers', diff_ids: packed.map(layer => layer.diffId) },
    });
    const manifest = jsonBlob({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.manifest,
      config: {
        mediaType: MEDIA_TYPES.config,
        digest: config.digest,
        size: config.size,
      },
      layers: packed.map(({ digest, size }) => ({
        mediaType: MEDIA_TYPES.layer,
        digest,
        size,
      })),
    });
    const index = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.index,
      manifests: [
        {
          mediaType: MEDIA_TYPES.manifest,
          digest: manifest.digest,
          size: manifest.size,
          platform: { architecture, os: 'linux' },
          annotations: {
            'io.containerd.image.name': image.ref,
            'org.opencontainers.image.ref.name': tag,
          },
        },
      ],
    };

    const blob = digest => `blobs/sha256/${digest.slice('sha256:'.length)}`;
    const seen = new Set();
    const blobs = [...packed, config, manifest].filter(
      ({ digest }) => !seen.has(digest) && seen.add(digest),
    );
    const partial = join(dir, 'image.tar');
    await writeTar(partial, [
      {
        name: 'oci-layout',
        bytes: Buffer.from('{"imageLayoutVersion":"1.0.0"}'),
      },
      { name: 'index.json', bytes: Buffer.from(JSON.stringify(index)) },
      { name: 'blobs', type: 'dir' },
      { name: 'blobs/sha256', type: 'dir' },
      ...blobs.map(({ digest, file, bytes }) => ({
        name: blob(digest),
        file,
        bytes,
      })),
    ]);
    renameSync(partial, target);
    process.stdout.write(`${image.ref} ${manifest.digest}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch(error => {
  process.stderr.write(`build-oci: ${error.message}\n`);
  process.exitCode = 1;
});
