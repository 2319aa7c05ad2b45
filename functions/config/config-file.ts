import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Node } from 'yaml';
import type { z } from 'zod';
import { INLINE_SECRET_ADVICE, inlineSecretKind } from '../kernel/secrets.ts';
import { declaredEntries, stageConfigSchema, type DeclaredEntries } from './stage-config.ts';

/**
 * Reads harbormaster.yml offline: YAML syntax, inline secrets, then the schema. Every problem carries its path and
 * the line:column it is at in the file, so `harbormaster validate` points at each one.
 */

export interface ConfigProblem {
  /** Dotted path (`services.web.deploy.strategy.percent`), `(file)` for the whole file. */
  path: string;
  message: string;
  line: number;
  column: number;
}

export type ConfigFileResult = { ok: true; config: Record<string, unknown>; entries: DeclaredEntries } | { ok: false; problems: ConfigProblem[] };

type Path = ReadonlyArray<PropertyKey>;

export function readConfigText(text: string): ConfigFileResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => lineCounter.linePos(offset ?? 0);
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => ({ path: '(file)', message: error.message.split('\n')[0] ?? error.message, ...lineColumn(at(error.pos[0])) })),
    };
  }
  const secrets = inlineSecrets(document.contents, at);
  const parsed = stageConfigSchema.safeParse(document.toJS() ?? {}, { reportInput: true });
  if (!parsed.success || secrets.length > 0) {
    const invalid = parsed.success ? [] : parsed.error.issues.flatMap((issue) => problemsOf(issue, (path) => lineColumn(at(locate(document.contents, path)))));
    return { ok: false, problems: [...secrets, ...invalid].sort(byPosition) };
  }
  const config = parsed.data as Record<string, unknown>;
  return { ok: true, config, entries: declaredEntries(config) };
}

/** `file:line:column  path: message`, the shape editors and terminals link. */
export function formatProblem(file: string, problem: ConfigProblem): string {
  return `${file}:${problem.line}:${problem.column}  ${problem.path}: ${problem.message}`;
}

function problemsOf(issue: z.core.$ZodIssue, position: (path: Path) => { line: number; column: number }): ConfigProblem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: dotted([...issue.path, key]), message: 'is not a known field (check its spelling and indentation)', ...position([...issue.path, key, KEY]) }));
  }
  const missing = issue.code === 'invalid_type' && issue.input === undefined;
  const message = missing ? `is required (${issue.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, '')})` : issue.message;
  return [{ path: dotted(issue.path), message, ...position(issue.path) }];
}

/** Marks a path that points at a map key itself rather than its value. */
const KEY = Symbol('key');

/** The offset of the deepest node on the path that the document has (a missing field points at its parent). */
function locate(root: unknown, path: Path): number | undefined {
  let node = root as Node | null | undefined;
  let offset = node?.range?.[0];
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      const key = pair.key as Node;
      offset = key.range?.[0] ?? offset;
      node = pair.value as Node | null;
      if (node?.range && path.at(-1) !== KEY) offset = node.range[0];
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment] as Node | undefined;
      if (!node) break;
      offset = node.range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return offset;
}

function inlineSecrets(root: unknown, at: (offset: number | undefined) => { line: number; col: number }): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!root) return problems;
  visit(root as Node, {
    Scalar(_key, node, ancestry) {
      if (typeof node.value !== 'string') return;
      const kind = inlineSecretKind(node.value);
      if (!kind) return;
      // Pairs give their key, sequences the index of the child on the way down.
      const path = ancestry.flatMap((ancestor, index): PropertyKey[] => {
        if (isPair(ancestor) && isScalar(ancestor.key)) return [String(ancestor.key.value)];
        if (isSeq(ancestor)) return [ancestor.items.indexOf((ancestry[index + 1] ?? node) as never)];
        return [];
      });
      problems.push({ path: dotted(path), message: `looks like ${kind} written inline: ${INLINE_SECRET_ADVICE}`, ...lineColumn(at(node.range?.[0])) });
    },
  });
  return problems;
}

function lineColumn(position: { line: number; col: number }): { line: number; column: number } {
  return { line: position.line, column: position.col };
}

function dotted(path: Path): string {
  if (path.length === 0) return '(root)';
  return path.reduce<string>((text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text === '' ? String(segment) : `${text}.${String(segment)}`), '');
}

function byPosition(a: ConfigProblem, b: ConfigProblem): number {
  return a.line - b.line || a.column - b.column;
}
