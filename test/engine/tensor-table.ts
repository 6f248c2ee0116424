// The identity table of tensor derivatives: matrices by matrices, vectors by matrices, matrices by vectors, Hessians
// by matrices and third derivatives by vectors, each with its exact text (tensors.test.ts) and values (tensor-values.test.ts).

// [expression, wrt, order, form, derivative text, index text (when it differs from the derivative text)]
export type Row = readonly [string, string, number, "matrix" | "kronecker" | "index", string, string?];

export const TENSORS: readonly Row[] = [
  // Jacobians of matrices by matrices (order 4): dvec(Y)/dvec(X) = kron(B', A) for dY = A*dX*B
  ["A*X*B", "X", 1, "kronecker", "kron(B', A)", "df_ij/dX_lq = A_il*B_qj"],
  ["X", "X", 1, "kronecker", "kron(eye(m), eye(n))", "df_ij/dX_kl = delta(i,k)*delta(j,l)"],
  ["inv(X)", "X", 1, "kronecker", "-kron(inv(X)', inv(X))", "df_ij/dX_kl = -inv(X)_ik*inv(X)_lj"],
  ["X*X", "X", 1, "kronecker", "kron(eye(n), X) + kron(X', eye(n))", "df_ij/dX_kl = X_ik*delta(j,l) + delta(i,k)*X_lj"],
  ["A*inv(X)*B", "X", 1, "kronecker", "-kron(B'*inv(X)', A*inv(X))", "df_ij/dX_lp = -(A*inv(X))_il*(inv(X)*B)_pj"],
  // a transposed dX couples the two Kronecker factors (a commutation matrix): index notation
  ["X'", "X", 1, "index", "df_ij/dX_kl = delta(i,l)*delta(j,k)"],
  ["X'*X", "X", 1, "index", "df_ij/dX_kl = X_ki*delta(j,l) + delta(i,l)*X_kj"],
  ["A*X'*B", "X", 1, "index", "df_ij/dX_lq = A_iq*B_lj"],
  ["X*A*X'", "X", 1, "index", "df_ij/dX_kl = delta(i,k)*(X*A')_jl + (X*A)_il*delta(j,k)"],
  ["X.*X", "X", 1, "index", "df_ij/dX_kl = 2*X_ij*delta(i,k)*delta(j,l)"],
  ["det(X)*inv(X)", "X", 1, "index", "df_ij/dX_kl = det(X)*inv(X)_ij*inv(X)_lk - det(X)*inv(X)_ik*inv(X)_lj"],
  ["X: symmetric(n)\nA*X*B", "X", 1, "index", "df_ij/dX_lp = 1/2*A_il*B_pj + 1/2*A_ip*B_lj"],
  ["D: diagonal(n)\nA*D*B", "D", 1, "index", "df_ij/dD_lp = A_il*B_lj*delta(l,p)"],
  // vectors by matrices and matrices by vectors (order 3)
  ["b: vector(m)\nA*X*b", "X", 1, "kronecker", "kron(b', A)", "df_i/dX_jl = A_ij*b_l"],
  ["b: vector(m)\nX*b", "X", 1, "kronecker", "kron(b', eye(n))", "df_i/dX_jk = delta(i,j)*b_k"],
  ["u: vector(m)\nu'*X", "X", 1, "kronecker", "kron(eye(n), u')", "df_i/dX_jk = delta(i,k)*u_j"],
  ["x*x'", "x", 1, "kronecker", "kron(x, eye(n)) + kron(eye(n), x)", "df_ij/dx_k = x_i*delta(j,k) + delta(i,k)*x_j"],
  // Hessians of scalars by matrices (order 4)
  ["tr(X'*A*X)", "X", 2, "kronecker", "kron(eye(m), A + A')", "d2f/dX_ij dX_kl = A_ik*delta(j,l) + A_ki*delta(j,l)"],
  ["tr(A*X*B*X')", "X", 2, "kronecker", "kron(B, A') + kron(B', A)", "d2f/dX_ij dX_kl = A_ik*B_lj + A_ki*B_jl"],
  ["b: vector(m)\nnorm2(X*b)^2", "X", 2, "kronecker", "2*kron(b*b', eye(n))", "d2f/dX_ij dX_kl = 2*delta(i,k)*b_j*b_l"],
  ["norm2(X)^2", "X", 2, "kronecker", "2*kron(eye(m), eye(n))", "d2f/dX_ij dX_kl = 2*delta(i,k)*delta(j,l)"],
  ["logdet(X)", "X", 2, "index", "d2f/dX_ij dX_kl = -inv(X)_li*inv(X)_jk"],
  ["X: symmetric(n)\nlogdet(X)", "X", 2, "index", "d2f/dX_ij dX_kl = -1/2*inv(X)_ik*inv(X)_jl - 1/2*inv(X)_il*inv(X)_jk"],
  ["tr(X*X)", "X", 2, "index", "d2f/dX_ij dX_kl = 2*delta(i,l)*delta(j,k)"],
  ["tr(X^3)", "X", 2, "index", "d2f/dX_ij dX_kl = 3*X_li*delta(j,k) + 3*delta(i,l)*X_jk"],
  ["tr(X)^2", "X", 2, "index", "d2f/dX_ij dX_kl = 2*delta(i,j)*delta(k,l)"],
  ["tr(inv(X))", "X", 2, "index", "d2f/dX_ij dX_kl = inv(X)_li*(inv(X)^2)_jk + (inv(X)^2)_li*inv(X)_jk"],
  ["sum(log(X))", "X", 2, "index", "d2f/dX_ij dX_kl = -(X.^-2)_ij*delta(i,k)*delta(j,l)"],
  // Jacobians of vectors by vectors through matrix-valued intermediates (matrix notation again)
  [
    "b: vector(n)\ninv(A + x*x')*b",
    "x",
    1,
    "matrix",
    "-(x'*inv(A + x*x')*b*inv(A + x*x') + inv(A + x*x')*x*b'*inv(A + x*x')')",
    "df_i/dx_j = -(inv(A + x*x')*x)_i*(inv(A + x*x')*b)_j - (x'*inv(A + x*x')*b)*inv(A + x*x')_ij",
  ],
  ["c: vector(n)\n(x*x')*c", "x", 1, "matrix", "x'*c*eye(n) + x*c'", "df_i/dx_j = x_i*c_j + (x'*c)*delta(i,j)"],
  // third derivatives by vectors
  ["sin(x)", "x", 2, "index", "d2f_i/dx_j dx_k = -sin(x)_i*delta(i,k)*delta(i,j)"],
  ["x'*A*x", "x", 3, "index", "d3f/dx_i dx_j dx_k = 0"],
  // a zero tensor is 0 in index form (its sizes come from the function's shape when it parses back)
  ["x: vector(n)\nA*B", "x", 1, "index", "df_ij/dx_l = 0"],
];
