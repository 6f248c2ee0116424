// The public API of matcalc: re-exports only. Everything here is stable; deeper modules are not.

export { VERSION } from "./version.js";

// text -> AST -> IR
export { parse } from "./syntax/parser.js";
export type { BinaryOp, Expr, Program, Stmt, TypeWord } from "./syntax/ast.js";
export { compile } from "./api/compile.js";
export type { CompileOptions, Compiled, VarInfo } from "./api/compile.js";

// derivatives and their numeric check
export {
  checkDerivative,
  derivativeArray,
  derivativeAxes,
  derivativeValue,
  differentiate,
  isTensorValued,
  renderIndex,
} from "./api/differentiate.js";
export type { DifferentiateOptions, Differentiated, Rendered, ValueOptions, Warning } from "./api/differentiate.js";
export type { DerivativeForm, DerivativeKind, DerivativeResult, Layout } from "./diff/derive.js";

// checking a derivative someone wrote
export { CLAIM_TOLERANCE, ClaimError, checkClaim, compileClaim } from "./api/claim.js";
export type { ClaimFunction, ClaimOptions, ClaimReport, CompiledClaim } from "./api/claim.js";

// index (Einstein) notation for tensors
export type { Factor, IndexForm, Level, Term } from "./diff/tensor.js";
export { indexLatex, indexText, parseIndexText } from "./print/index-notation.js";
export { evaluateIndexForm } from "./numeric/tensor-eval.js";
export type { CheckOptions, CheckReport } from "./numeric/check.js";

// the JSON request contract and its JSON Lines driver
export { handleRequest } from "./api/request.js";
export type {
  DerivativeJson,
  EmitName,
  ErrorJson,
  FailureResponse,
  RenderedJson,
  Request,
  Response,
  SuccessResponse,
  VarSpec,
} from "./api/request.js";
export { runJsonLines } from "./api/jsonl.js";

// evaluation from plain numbers and arrays
export { evaluate, evaluateDerivative } from "./api/evaluate.js";
export type { DerivativeAt, EvaluateOptions, Values } from "./api/evaluate.js";

// step-by-step derivations
export { deriveSteps, derivation } from "./steps/derivation.js";
export type { Derivation, DerivationStep, Step } from "./steps/derivation.js";
export { stepsLatex, stepsText } from "./steps/format.js";
export { verifyDerivation } from "./steps/verify.js";
export type { StepsReport } from "./steps/verify.js";

// code generation
export { CODE_TARGETS, generateCode } from "./codegen/generate.js";
export type { CodeTarget } from "./codegen/generate.js";
export type { EmitOptions as CodeOptions } from "./codegen/emit.js";

// errors
export { InternalError, MatcalcError } from "./diagnostics/errors.js";
export type { ErrorCode, Span } from "./diagnostics/errors.js";
export { formatError } from "./diagnostics/format.js";

// printing and evaluation
export { toLatex } from "./print/latex.js";
export { toText } from "./print/text.js";
export type { PrintOptions } from "./print/printer.js";
export { evaluateNodes, fromJson, toJson } from "./numeric/evaluate.js";
export type { Env, JsonValue } from "./numeric/evaluate.js";
export { ndToJson } from "./numeric/ndarray.js";
export type { NdArray, NdJson } from "./numeric/ndarray.js";
export type { Mat } from "./numeric/matrix.js";
export type { Node } from "./ir/node.js";
export type { ExternalVar } from "./shape/infer.js";
export type { Dim, Prop, Shape } from "./shape/shape.js";
