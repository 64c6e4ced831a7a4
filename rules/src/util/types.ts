import type { ParserServicesWithTypeInformation, TSESLint } from '@typescript-eslint/utils';

/**
 * Type information when the file was parsed with a TypeScript program (`projectService` or
 * `project`), else undefined. Rules stay syntactic without it and only sharpen their checks with it.
 */
export function getTypeServices(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
): ParserServicesWithTypeInformation | undefined {
  const services = context.sourceCode.parserServices;
  if (!services || !('program' in services) || !services.program) return undefined;
  return services as ParserServicesWithTypeInformation;
}
