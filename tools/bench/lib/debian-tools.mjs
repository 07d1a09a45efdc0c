// The reference tools a benchmark compares against (vipsthumbnail, ImageMagick) are Debian
// packages that a fresh machine does not have. A benchmark asks for each tool it is about to
// measure before it starts: a missing one is installed with apt-get when the benchmark runs as
// root on a machine that has apt-get (as CI and the project's machines do); anywhere else the run
// stops at once and names the package, rather than printing a table with a column left out.
import { spawnSync } from 'node:child_process';

/** The absolute path of `command` on PATH, or undefined. */
export function which(command) {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { encoding: 'utf8' }).stdout.trim() || undefined;
}

/** The first line `binary -version`-style `args` print on stdout, or undefined if it cannot run. */
function versionLine(binary, args) {
  const run = spawnSync(binary, args, { encoding: 'utf8', timeout: 10_000 });
  return run.status === 0 ? run.stdout.split('\n')[0].trim() : undefined;
}

/**
 * The real ImageMagick: `magick` (version 7) on PATH, or Debian's version 6 by its own name.
 * `convert` is never taken from PATH: other programs ship a `convert` (a wrapper, a stand-in that
 * only prints PNGs), and only a binary that says it is ImageMagick is measured.
 */
export function findImageMagick() {
  const candidates = [which('magick'), '/usr/bin/magick', '/usr/bin/convert-im6.q16', '/usr/bin/convert'];
  return candidates.find((binary) => binary !== undefined && /^Version: ImageMagick /.test(versionLine(binary, ['-version']) ?? ''));
}

/** Debian's vipsthumbnail (libvips-tools), if it runs. */
export function findVipsthumbnail(env = process.env) {
  const binary = which('vipsthumbnail');
  if (binary === undefined) return undefined;
  // sharp sets VIPSHOME for its own libvips; Debian's tool must not look for its modules there.
  const run = spawnSync(binary, ['--vips-version'], { encoding: 'utf8', timeout: 10_000, env });
  return run.status === 0 ? binary : undefined;
}

let aptUpdated = false;

function aptGetInstall(pkg) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const steps = [
    ...(aptUpdated ? [] : [['update', '-qq']]),
    ['install', '-y', '-qq', '--no-install-recommends', pkg],
  ];
  for (const args of steps) {
    const run = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (run.status !== 0) return false;
    if (args[0] === 'update') aptUpdated = true;
  }
  return true;
}

/**
 * The path of a reference tool, installing its Debian package first when it is missing and this
 * process may (root, apt-get present). Exits the process with a message naming the package when
 * the tool cannot be had.
 *
 * @example
 * const magick = requireDebianTool({ tool: 'ImageMagick', pkg: 'imagemagick', find: findImageMagick });
 */
export function requireDebianTool({ tool, pkg, find }) {
  const found = find();
  if (found !== undefined) return found;
  const stop = (why) => {
    console.error(`${tool} is needed for this benchmark and ${why}: install Debian's ${pkg} package (apt-get install ${pkg}), or leave ${tool} out with --tools.`);
    process.exit(1);
  };
  if (process.getuid?.() !== 0) stop('is not installed (installing it needs root)');
  if (which('apt-get') === undefined) stop('is not installed (and this machine has no apt-get)');
  console.log(`${tool} is not installed: apt-get install ${pkg} ...`);
  if (!aptGetInstall(pkg)) stop(`apt-get could not install ${pkg}`);
  const installed = find();
  if (installed === undefined) stop(`was still not found after installing ${pkg}`);
  return installed;
}
