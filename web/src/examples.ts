// The examples menu: the problems matcalc was made for (seed documents) and the classics, as plain data.
// Each entry is a complete page setting (expression, variable, order), so loading one is a state replacement.

export interface Example {
  readonly id: string;
  readonly group: "Seed problems" | "Trace identities" | "Classics";
  readonly title: string;
  readonly expr: string;
  readonly wrt: string;
  readonly order?: number;
  /** Needs derivatives of matrix functions (expm, logm), which the engine may answer as not supported yet. */
  readonly matrixFunctions?: boolean;
}

export const EXAMPLES: readonly Example[] = [
  {
    id: "gaussian-sigma",
    group: "Seed problems",
    title: "Gaussian log-density, by the covariance Σ",
    expr: "Sigma: spd(n)\n-1/2*logdet(Sigma) - 1/2*(x - mu)'*inv(Sigma)*(x - mu)",
    wrt: "Sigma",
  },
  {
    id: "gaussian-mu",
    group: "Seed problems",
    title: "Gaussian log-density, by the mean μ",
    expr: "Sigma: spd(n)\n-1/2*logdet(Sigma) - 1/2*(x - mu)'*inv(Sigma)*(x - mu)",
    wrt: "mu",
  },
  {
    id: "trace-expm",
    group: "Seed problems",
    title: "tr(A expm(X)), X symmetric",
    expr: "A: spd(n); X: symmetric(n)\ntr(A*expm(X))",
    wrt: "X",
    matrixFunctions: true,
  },
  {
    id: "quantum",
    group: "Seed problems",
    title: "Quantum log-likelihood log det exp(ρ log σ), by θ₁",
    expr:
      "L1, L2, L3: symmetric(n); rho: spd(n); beta, theta1, theta2, theta3: scalar\n" +
      "L = theta1*L1 + theta2*L2 + theta3*L3\n" +
      "sigma = expm(-beta*L)/tr(expm(-beta*L))   # the Gibbs state\n" +
      "logdet(expm(rho*logm(sigma)))",
    wrt: "theta1",
    matrixFunctions: true,
  },
  { id: "quadratic", group: "Trace identities", title: "x'Ax  →  (A + A')x", expr: "x'*A*x", wrt: "x" },
  { id: "trace-ab", group: "Trace identities", title: "tr(AB) by A  →  B'", expr: "tr(A*B)", wrt: "A" },
  {
    id: "trace-abac",
    group: "Trace identities",
    title: "tr(ABA'C) by A  →  C'AB' + CAB",
    expr: "tr(A*B*A'*C)",
    wrt: "A",
  },
  { id: "det", group: "Trace identities", title: "det(A) by A  →  det(A) inv(A)'", expr: "det(A)", wrt: "A" },
  { id: "least-squares", group: "Classics", title: "Least squares ‖Ax − b‖²", expr: "norm2(A*x - b)^2", wrt: "x" },
  {
    id: "least-squares-hessian",
    group: "Classics",
    title: "Least squares, Hessian",
    expr: "norm2(A*x - b)^2",
    wrt: "x",
    order: 2,
  },
  {
    id: "logistic",
    group: "Classics",
    title: "Logistic regression loss",
    expr: "# labels y in {-1, 1}, data X, weights w\nsum(log(1 + exp(-y.*(X*w))))",
    wrt: "w",
  },
  { id: "logdet", group: "Classics", title: "Log-determinant", expr: "logdet(X)", wrt: "X" },
  {
    id: "ridge",
    group: "Classics",
    title: "Ridge regression",
    expr: "lambda: scalar\nnorm2(A*x - b)^2 + lambda*norm2(x)^2",
    wrt: "x",
  },
];
