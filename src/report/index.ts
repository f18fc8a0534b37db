/** The HTML flame-graph report and the terminal `top` table. */
export { ReportError, isReportError, type ReportErrorCode } from './errors';
export type {
  CallNode,
  FileCounts,
  Frame,
  ProfileSet,
  Selection,
  SpanProfile,
  StackTree,
  StackWeight,
  UnlabelledProfile,
} from './model';
export { readProfiles, type ReadOptions } from './read-profiles';
export type { LabelFilter } from './aggregate';
export { callTree } from './call-tree';
export { resolveSelection, describeSelection, type SelectionInput, type SelectionTotals } from './selection';
export { topFunctions, type FunctionRow, type FunctionTable } from './top';
export { formatTop, renderTopTable, DEFAULT_TOP_LIMIT, type TopOptions } from './top-table';
export { renderReportHtml, type RenderOptions } from './render-html';
export { writeReport, DEFAULT_REPORT_FILE, type ReportResult, type WriteReportOptions } from './write-report';
export { formatSpanTable, renderSpanTable, type SpanTableOptions } from './span-table';
