/**
 * What every part of the benchmark produces: named measurements with the value
 * under test, the baseline measured in the same run, their ratio and the target,
 * printed as one table and written to bench-results/latest.json.
 */

export interface Measurement {
  /** Which part of the benchmark (1-6) measured it. */
  part: number;
  name: string;
  /** The median (or the count, or the check's outcome) for the package under test. */
  value: number | string | boolean;
  unit: string;
  /** The same thing for the baseline, measured in the same run. */
  baseline?: number | string;
  /** value / baseline. */
  ratio?: number;
  /** Human-readable target, e.g. "ratio <= 1.10", "= 1". */
  target?: string;
  /** Whether the target was met; undefined when there is no target. */
  met?: boolean;
  /** Every sample behind a median. */
  samples?: number[];
  baselineSamples?: number[];
  note?: string;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Milliseconds `work` took, with its result. */
export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await work();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

/** A median-vs-median comparison with a "ratio <= limit" target. */
export function ratioMeasurement(
  part: number,
  name: string,
  unit: string,
  samples: number[],
  baselineSamples: number[],
  limit: number | undefined,
  note?: string,
): Measurement {
  const value = median(samples);
  const baseline = median(baselineSamples);
  const ratio = value / baseline;
  return {
    part,
    name,
    value,
    unit,
    baseline,
    ratio,
    target: limit === undefined ? undefined : `ratio <= ${limit.toFixed(2)}`,
    met: limit === undefined ? undefined : ratio <= limit,
    samples,
    baselineSamples,
    note,
  };
}

let startedAt = Date.now();

export function resetClock(): void {
  startedAt = Date.now();
}

/** One progress line, with the time since the benchmark started. */
export function progress(message: string): void {
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(0).padStart(4);
  console.log(`[${seconds}s] ${message}`);
}

function formatNumber(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  const digits =
    Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit === "" ? "" : ` ${unit}`}`;
}

function formatValue(value: Measurement["value"], unit: string): string {
  if (typeof value === "number") return formatNumber(value, unit);
  if (typeof value === "boolean") return value ? "yes" : "no";
  return value;
}

/** The rows of the results table: measurement, value, baseline, ratio, target, met?. */
function tableRows(measurements: Measurement[]): string[][] {
  return measurements.map((m) => [
    m.name,
    formatValue(m.value, m.unit),
    m.baseline === undefined
      ? "—"
      : typeof m.baseline === "number"
        ? formatNumber(m.baseline, m.unit)
        : m.baseline,
    m.ratio === undefined ? "—" : m.ratio.toFixed(2),
    m.target ?? "—",
    m.met === undefined ? "—" : m.met ? "yes" : "NO",
  ]);
}

const tableHeader = ["measurement", "value", "baseline", "ratio", "target", "met?"];

/** The table as aligned plain text, for the terminal. */
export function textTable(measurements: Measurement[]): string {
  const rows = [tableHeader, ...tableRows(measurements)];
  const widths = tableHeader.map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i])).join("  ");
  return [
    line(rows[0]),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.slice(1).map(line),
  ].join("\n");
}

/** The table as Markdown, for the README. */
export function markdownTable(measurements: Measurement[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, "\\|");
  return [
    `| ${tableHeader.join(" | ")} |`,
    `|${tableHeader.map(() => "---").join("|")}|`,
    ...tableRows(measurements).map((row) => `| ${row.map(escape).join(" | ")} |`),
  ].join("\n");
}
