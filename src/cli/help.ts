// Help texts: what a newcomer needs to use matcalc without reading the source.

import { VERSION } from "../version.js";

export const MAIN_HELP: string = `matcalc ${VERSION}: derivatives of scalar, vector and matrix expressions, in matrix notation,
checked numerically against finite differences.

Usage:
  matcalc diff EXPR [--wrt X] [options]   differentiate EXPR ('-' reads it from stdin)
  matcalc check EXPR --claim G [options]  is G the derivative of EXPR? (exit 0 yes, 1 no); if not, where it goes wrong
  matcalc json                            JSON Lines requests on stdin, one response per line on stdout
  matcalc demo                            differentiate a few classic examples
  matcalc help [diff|check|json|demo]     this text, or help on one command
  matcalc --version

The language (MATLAB-like, as on MatrixCalculus.org):
  operators     + - * /  matrix product *, elementwise .* ./ .^, power ^ (A^2 = A*A), transpose '
  functions     tr det logdet inv expm logm sqrtm  sum norm1 norm2 (Frobenius for matrices)
                diag  eye ones zeros  and elementwise exp log sqrt sin cos tan tanh sigmoid relu abs sign
                arcsin arccos arctan
  declarations  x: vector(n)    A: matrix(n, m)    B: matrix(n)    c: scalar
                S: symmetric(n)    P: spd(n)    D: diagonal(n)    Q: orthogonal(n)
  definitions   r = A*x - b      (the last expression is the function)
  statements    separated by newlines or ';'; comments start with # or %
  undeclared names are guessed by their first letter: a-g scalars, h-z column vectors, capitals
  matrices; sizes follow from how they are used. The assumptions made are always printed.

Conventions:
  gradient of a scalar f: same shape as X, with df = tr(G' dX); for symmetric X it is symmetric.
  Jacobian of a vector f by a vector x: numerator layout (rows follow f) unless --layout denominator.
  Hessian (--order 2) of a scalar f by a vector x: H(i,j) = d2f / dx(i) dx(j).
  Tensors (a matrix by a matrix, ...) are written matricized, dvec(f)/dvec(X) (kron(B', A)), or in index
  notation; as values (json, generated code) they are N-D arrays J[i,j,k,l] = df_ij/dX_kl (see --matricize).

Examples:
  matcalc diff "x'*A*x" --wrt x                            # (A + A')*x
  matcalc diff "x'*A*x" --wrt x --var "A: symmetric(n)"    # 2*A*x
  matcalc diff "tr(A*X*B)" --wrt X                         # A'*B'
  matcalc diff "logdet(X)" --wrt X --format latex          # (X^{-1})^T in LaTeX
  matcalc diff "norm2(A*x - b)^2" --wrt x                  # least squares: 2*A'*(A*x - b)
  matcalc diff "x'*A*x" --wrt x --order 2                  # Hessian: A + A'
  matcalc diff "x'*A*x" --wrt x --emit numpy > quad.py      # code: evaluate(**values) -> (value, gradient)
  matcalc check "x'*A*x" --wrt x --claim "2*A*x"           # no: the difference is (A - A')*x
  echo "sum(log(1 + exp(-y.*(X*w))))" | matcalc diff - --wrt w
  echo '{"id": 1, "expr": "x'"'"'*x", "wrt": "x"}' | matcalc json

Exit codes: 0 success, 1 error in the expression or failed check (check: the claim is not the derivative),
2 bad command line (check: also an error in the expression or the claim), 70 internal error.
`;

export const DIFF_HELP: string = `Usage: matcalc diff EXPR [--wrt X] [options]

Differentiates EXPR (a program: declarations, definitions, then the function) with respect to X and checks
the result against finite differences at random values. EXPR '-' reads the program from stdin.

Options:
  --wrt X              the variable to differentiate by (optional when EXPR has only one variable)
  --var DECL           declare a variable, e.g. --var "S: spd(n)" (repeatable)
  --order N            derivative order (default 1; 2 gives the Hessian of a scalar by a vector)
  --layout L           numerator (default) or denominator, for Jacobians
  --format F           text (default), latex, or json (the same object as 'matcalc json')
  --no-check           skip the numeric check
  --seed N             seed of the numeric check's random values (default 1)
  --steps              show the derivation step by step, in differentials (df = ... = tr(G'*dX)),
                       one cited rule per step (LaTeX with --format latex, a "steps" list with json)
  --emit index         also print the index (Einstein) form, e.g. df_ij/dX_kl = A_ik*B_lj
  --emit numpy|jax|torch|ts
                       print a module computing the function and the derivative together instead of the
                       report: Python evaluate(**values) -> (value, derivative), or TypeScript
                       evaluate(values) -> { value, derivative } (a "code" object with --format json);
                       a tensor derivative is an N-D array: the function's axes, then the variable's,
                       J[i,j,k,l] = df_ij/dX_kl (the variable's axes first with --layout denominator);
                       run as a script (python3 f.py, npx tsx f.ts), a module checks itself on random values
  --matricize          code returns tensors as the matricized matrix dvec(f)/dvec(X) the answer's text
                       describes (e.g. kron(B', A)), not as N-D arrays
  -h, --help           this text

Examples:
  matcalc diff "x'*A*x" --wrt x
  matcalc diff "-1/2*logdet(S) - 1/2*(x-mu)'*inv(S)*(x-mu)" --var "S: spd(n)" --wrt S
  matcalc diff "A*x" --wrt x --layout denominator --format json
  matcalc diff "logdet(X)" --wrt X --steps
  matcalc diff "norm2(A*x - b)^2" --wrt x --emit numpy > least_squares.py
`;

export const CHECK_HELP: string = `Usage: matcalc check EXPR --claim G [--wrt X] [options]

Checks a derivative you wrote. G is compared with the derivative of EXPR by X at random values with the
structure of the variables (symmetric, spd, ...): they agree when their largest relative difference is within
the tolerance the output states. If G is not the derivative, the output gives the derivative, the difference
G - derivative simplified (so that a missing transpose or term can be read off), the convention G follows when
it is a known one (the other layout, the unconstrained gradient of a symmetric variable, the Matrix Cookbook's
2*G - diag(diag(G)), matrices taken to commute, the opposite sign, a constant factor) and the values at which
they differ most.
G is written in the input language and may use the program's definitions (sigma = ...; ...).

Options:
  --claim G            the derivative to check (required)
  --wrt X              the variable to differentiate by (optional when EXPR has only one variable)
  --var DECL           declare a variable, e.g. --var "A: symmetric(n)" (repeatable)
  --order N            derivative order (default 1)
  --layout L           numerator (default) or denominator, for Jacobians
  --format F           text (default) or json (the 'matcalc json' object with a "claim" verdict)
  --seed N             seed of the random values (default 1)
  -h, --help           this text

Exit codes: 0 the claim is the derivative, 1 it is not, 2 bad command line or an error in EXPR or in G.

Examples:
  matcalc check "x'*A*x" --wrt x --claim "2*A*x"                          # no: (A - A')*x apart
  matcalc check "x'*A*x" --wrt x --claim "2*A*x" --var "A: symmetric(n)"  # yes
  matcalc check "logdet(X)" --var "X: symmetric(n)" --claim "2*inv(X) - diag(diag(inv(X)))"
`;

export const JSON_HELP: string = `Usage: matcalc json

Reads one JSON request per line from stdin and writes one JSON response per line to stdout, in order.
Request:  {"id": 1, "expr": "x'*A*x", "wrt": "x", "vars": {"A": {"shape": ["n", "n"], "props": ["symmetric"]}},
           "order": 1, "layout": "numerator", "values": {"x": [1, 2], "A": [[2, 1], [1, 3]]},
           "emit": ["check", "differential", "steps"], "seed": 1, "claim": "2*A*x", "matricize": false}
          (only expr and wrt are required; a flat array in values is a column vector)
          derivativeValue and code give tensors as N-D arrays, the function's axes then the variable's
          (J[i][j][k][l] = df_ij/dX_kl; the variable's axes first in denominator layout); "matricize": true
          gives the matricized matrix dvec(f)/dvec(X) instead
Success:  {"id": 1, "ok": true, "function": {...}, "derivative": {"text", "latex", "shape"}, "kind",
           "convention", "assumptions", "notes", "value"?, "derivativeValue"?, "check"?, "differential"?,
           "steps"?: [{"rule", "text", "latex", "note"?}], "code"?: {"numpy"?, "jax"?, "torch"?, "ts"?},
           "claim"?: {"agrees", "relativeError", "tolerance", "correct", "difference", "diagnosis", "worstAt"?,
           "message"}}
          (emit "numpy", "jax", "torch" or "ts" returns the source of a module under code.<target>)
Failure:  {"id": 1, "ok": false, "error": {"code": "syntax", "message": "...", "span": [start, end] | null}}
          (an error in the claim has "field": "claim", and its span indexes into the claim)
Blank lines are skipped; a line that is not JSON gets a "usage" error, and processing always continues.
`;

export const DEMO_HELP: string = `Usage: matcalc demo

Differentiates a few classic examples (quadratic form, trace, log-determinant, Gaussian log-density, least
squares, logistic loss, a Hessian), each checked numerically, and prints the command that reproduces it.
`;

export const HELP = { main: MAIN_HELP, diff: DIFF_HELP, check: CHECK_HELP, json: JSON_HELP, demo: DEMO_HELP } as const;
