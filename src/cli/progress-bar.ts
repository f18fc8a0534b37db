/** A one-line progress bar on stderr; on a non-TTY, a line every 20%. */
export function progressBar(label: string): (fraction: number, detail: string) => void {
  const tty = Boolean(process.stderr.isTTY);
  let lastStep = -1;
  return (fraction, detail) => {
    const f = Math.max(0, Math.min(1, fraction));
    if (tty) {
      const width = 30;
      const filled = Math.round(f * width);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(f * 100)}% ${detail}  `);
      if (f >= 1) process.stderr.write('\n');
      return;
    }
    const step = Math.floor(f * 5);
    if (step > lastStep) {
      lastStep = step;
      process.stderr.write(`${label} ${step * 20}% ${detail}\n`);
    }
  };
}
