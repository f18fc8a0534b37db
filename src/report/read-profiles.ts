import * as fs from 'node:fs';
import * as path from 'node:path';
// The exporter's profile files: `<stem>.cpu.pb.gz`, `<stem>.wall.pb.gz`.
import { PROFILE_SUFFIX } from '../export/directory-index';
import { ProfileAggregator, type LabelFilter } from './aggregate';
import { CorruptProfileError, decodeProfileFile } from './decode-file';
import { ReportError } from './errors';
import type { ProfileSet } from './model';


export interface ReadOptions {
  /** Only samples that carry this custom label. */
  readonly label?: LabelFilter;
}

/**
 * Reads every `*.pb.gz` profile in `dir` (not its subdirectories) into one
 * aggregate. The kind of each profile comes from its sample types. A file
 * that cannot be decoded is skipped and named in `warnings`; when none can,
 * or the directory is missing, not a directory or holds no profile, this
 * throws a ReportError saying which.
 */
export function readProfiles(dir: string, options: ReadOptions = {}): ProfileSet {
  const names = profileFiles(dir);
  const aggregator = new ProfileAggregator({ label: options.label });
  const warnings: string[] = [];
  const files = { cpu: 0, wall: 0, other: 0, corrupt: 0 };
  let present = names.length;

  for (const name of names) {
    const file = path.join(dir, name);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (err) {
      // A writer that bounds the directory's size may delete old windows
      // while they are read: such a file is gone, not broken.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        present--;
        continue;
      }
      files.corrupt++;
      warnings.push(`skipped ${name}: cannot be read (${(err as Error).message})`);
      continue;
    }
    let decoded;
    try {
      decoded = decodeProfileFile(bytes);
    } catch (err) {
      if (!(err instanceof CorruptProfileError)) throw err;
      files.corrupt++;
      warnings.push(`skipped ${name}: ${err.message}`);
      continue;
    }
    files[decoded.kind]++;
    if (decoded.kind === 'cpu') aggregator.add(decoded);
  }

  if (present === 0) {
    throw new ReportError('empty-directory', `no profiles in ${dir}: its profile files were removed while being read`);
  }
  if (files.corrupt === present) {
    throw new ReportError(
      'all-corrupt',
      `none of the ${present} profile file(s) in ${dir} could be read:\n  ${warnings.join('\n  ')}`,
    );
  }
  if (files.cpu === 0) {
    throw new ReportError(
      'no-cpu-profiles',
      `no CPU profile in ${dir}: its ${present} *${PROFILE_SUFFIX} file(s) hold no cpu/nanoseconds samples`,
    );
  }
  const label = options.label;
  if (label !== undefined && aggregator.matchedSamples === 0) {
    const seen = aggregator.seenLabels();
    throw new ReportError(
      'label-not-found',
      `no CPU sample in ${dir} carries the label ${label.key}=${label.value}` +
        (seen.length > 0
          ? `; labels seen: ${seen.slice(0, 10).join(', ')}${seen.length > 10 ? `, … (${seen.length} in all)` : ''}`
          : ' (the profiles carry no custom labels)'),
    );
  }
  return {
    directory: dir,
    ...aggregator.result(),
    files,
    warnings,
    ...(label !== undefined ? { label: `${label.key}=${label.value}` } : {}),
  };
}

/** Names of the profile files in `dir`, sorted (they start with their time). */
function profileFiles(dir: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ReportError('missing-directory', `profile directory not found: ${dir}`, { cause: err });
    }
    throw new ReportError('io-error', `cannot read ${dir}: ${(err as Error).message}`, { cause: err });
  }
  if (!stat.isDirectory()) {
    throw new ReportError('not-a-directory', `not a directory: ${dir} (expected a directory of *${PROFILE_SUFFIX} profiles)`);
  }
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new ReportError('io-error', `cannot list ${dir}: ${(err as Error).message}`, { cause: err });
  }
  const names = entries
    // Dot files are temporary files of a writer that has not finished.
    .filter((e) => e.name.endsWith(PROFILE_SUFFIX) && !e.name.startsWith('.'))
    .filter((e) => e.isFile() || (e.isSymbolicLink() && isFile(path.join(dir, e.name))))
    .map((e) => e.name)
    .sort();
  if (names.length === 0) {
    throw new ReportError('empty-directory', `no profiles in ${dir}: it holds no *${PROFILE_SUFFIX} files`);
  }
  return names;
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
