import { globSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { PROJECT_ROOT } from './serverless-functions.ts';

/**
 * Our named error classes, read from the source (a class's `name` is what Step Functions' Retry and Catch match), and
 * which of them a Lambda handler can throw: the classes constructed (`new X(`) in the code its handler can reach —
 * every function, method and module-level value it refers to, transitively, resolved by the TypeScript checker.
 */

export interface ErrorClass {
  /** The class's `name` property, as Lambda reports it in errorType. */
  name: string;
  className: string;
  /** Relative to the project root. */
  file: string;
  exported: boolean;
}

export interface SourceIndex {
  errorClasses: ErrorClass[];
  /**
   * The error classes the handler `exportName` of `sourcePath` can construct. `action`: the step it runs, for a handler
   * that switches on `event.action` (one Lambda for many steps): only that case is followed.
   */
  throwableBy(sourcePath: string, exportName: string, action?: string): ErrorClass[];
}

export function indexSources(): SourceIndex {
  const files = globSync('functions/**/*.ts', { cwd: PROJECT_ROOT }).map((file) => join(PROJECT_ROOT, file));
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2024,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true,
    noEmit: true,
    strict: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const ours = (node: ts.Node) => relative(PROJECT_ROOT, node.getSourceFile().fileName).startsWith('functions/');
  const declaredErrors = new Map<ts.ClassDeclaration, ErrorClass>();
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) continue;
    for (const statement of source.statements) {
      if (!ts.isClassDeclaration(statement) || !statement.name || !extendsError(checker, statement)) continue;
      declaredErrors.set(statement, {
        name: literalName(statement),
        className: statement.name.text,
        file: relative(PROJECT_ROOT, file),
        exported: ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword) ?? false,
      });
    }
  }

  const reachable = new Map<string, ErrorClass[]>();
  function throwableBy(sourcePath: string, exportName: string, action?: string): ErrorClass[] {
    const key = JSON.stringify([sourcePath, exportName, action]);
    if (!reachable.has(key)) reachable.set(key, traverse(sourcePath, exportName, action));
    return reachable.get(key) as ErrorClass[];
  }

  function traverse(sourcePath: string, exportName: string, action?: string): ErrorClass[] {
    const source = program.getSourceFile(sourcePath);
    const entry = source && checker.getExportsOfModule(checker.getSymbolAtLocation(source) as ts.Symbol).find((symbol) => symbol.name === exportName);
    if (!entry?.valueDeclaration) throw new Error(`${sourcePath} exports no ${exportName}`);
    const found = new Set<ErrorClass>();
    const visited = new Set<ts.Node>();
    const pending: ts.Node[] = [entry.valueDeclaration];
    const follow = (symbol: ts.Symbol | undefined) => {
      const target = symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      for (const declaration of target?.declarations ?? []) if (ours(declaration) && !visited.has(declaration)) pending.push(declaration);
    };
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node)) {
        const declaration = checker.getSymbolAtLocation(node.expression)?.declarations?.[0];
        const resolved = declaration && ts.isImportSpecifier(declaration) ? checker.getAliasedSymbol(checker.getSymbolAtLocation(node.expression) as ts.Symbol).declarations?.[0] : declaration;
        const errorClass = resolved && ts.isClassDeclaration(resolved) ? declaredErrors.get(resolved) : undefined;
        if (errorClass) found.add(errorClass);
      }
      if (action !== undefined && ts.isSwitchStatement(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'action') {
        for (const clause of node.caseBlock.clauses) if (ts.isCaseClause(clause) && ts.isStringLiteral(clause.expression) && clause.expression.text === action) clause.statements.forEach(visit);
        return;
      }
      if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) follow(checker.getSymbolAtLocation(node));
      ts.forEachChild(node, visit);
    };
    while (pending.length > 0) {
      const node = pending.pop() as ts.Node;
      if (visited.has(node)) continue;
      visited.add(node);
      // Referring to a class runs its constructor and field initialisers; its methods run only where they are called.
      if (ts.isClassDeclaration(node)) node.members.filter((member) => !ts.isMethodDeclaration(member) && !ts.isAccessor(member)).forEach(visit);
      else visit(node);
      if (ts.isClassDeclaration(node)) node.heritageClauses?.forEach(visit);
    }
    return [...found];
  }

  return { errorClasses: [...declaredErrors.values()], throwableBy };
}

function extendsError(checker: ts.TypeChecker, declaration: ts.ClassDeclaration): boolean {
  for (let type: ts.Type | undefined = checker.getTypeAtLocation(declaration); type; ) {
    const base: ts.Type | undefined = checker.getBaseTypes(type as ts.InterfaceType)[0];
    if (!base) return false;
    if (base.getSymbol()?.name === 'Error') return true;
    type = base;
  }
  return false;
}

/** `override readonly name = 'X'`, or '' when the class sets no literal name. */
function literalName(declaration: ts.ClassDeclaration): string {
  for (const member of declaration.members) {
    if (ts.isPropertyDeclaration(member) && member.name.getText() === 'name' && member.initializer && ts.isStringLiteral(member.initializer)) return member.initializer.text;
  }
  return '';
}
