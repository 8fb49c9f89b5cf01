def eigen_gemm_split(k, rows, cols, col):
    """How many k Eigen's GEMM (the browser TFLite's builtin float32 kernels through
    cpu_backend_gemm) sums into two accumulators for dst column col of a rows x cols
    product: 8*floor(k/8) for the columns of the 4-column panels (col < 4*floor(cols/4))
    of a real GEMM (k + rows + cols >= 20, rows > 1, cols > 1), else 0 (in order)."""
    col = np.asarray(col)
    if k + rows + cols < 20 or rows == 1 or cols == 1:
        return np.zeros_like(col)
    return np.where(col < cols // 4 * 4, k // 8 * 8, 0)


def eigen_dot(product, k, split, shape):
    """The sum of product(0) ... product(k - 1) (arrays of the output's shape) as Eigen's
    GEMM adds them: for i < split, even i into one float32 sum and odd i into another,
    the odd sum added to the even one after i = split - 1, the remaining i in order;
    split broadcasts against the output's shape (eigen_gemm_split). Every product and
    sum rounded to float32, from 0."""
    total = np.zeros(shape, dtype=np.float32)
    odd = np.zeros(shape, dtype=np.float32)
    with np.errstate(all="ignore"):
        for i in range(k):
            v = product(i)
            to_odd = (i < split) & (i % 2 == 1)
            odd = np.where(to_odd, odd + v, odd)
            total = np.where(to_odd, total, total + v)
            total = np.where(i == split - 1, total + odd, total)
    return total
