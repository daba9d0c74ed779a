using static TorchSharp.torch;

namespace ScoreML.Numerics;

/// <summary>
/// The adaptive Dormand-Prince 5(4) Runge-Kutta method (the RK45 of scipy's solve_ivp, which score_sde uses), integrating a
/// batch of independent ODEs from t0 to t1 (either direction) with a step size per row. The error norm of a row is the root
/// mean square over its values of err / (atol + rtol max(|y|, |y_new|)), as scipy computes it for one equation. A step size
/// per row, rather than one for the batch, keeps a row's result independent of the rows it is batched with: the
/// probability-flow sampler and the likelihood then give every row what it would get alone.
/// </summary>
internal static class DormandPrince
{
    static readonly double[] C = { 0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1 };
    static readonly double[][] A =
    {
        Array.Empty<double>(),
        new[] { 1.0 / 5 },
        new[] { 3.0 / 40, 9.0 / 40 },
        new[] { 44.0 / 45, -56.0 / 15, 32.0 / 9 },
        new[] { 19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729 },
        new[] { 9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656 },
        new[] { 35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84 },
    };
    // Fifth-order weights are A[6]; the error weights are those minus the embedded fourth-order ones.
    static readonly double[] E = { 71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40 };

    /// <param name="f">The derivative at states [B, ...] and per-row times [B] (float64). It is always given the whole batch (a
    /// row that has reached t1 is evaluated with a step of 0 and left as it is), because callers' functions may hold per-row
    /// data of the batch's size, such as the class labels of guided sampling or the likelihood's probes.</param>
    /// <param name="y0">The states at <paramref name="t0"/>, [B, ...].</param>
    /// <param name="t0">The start time, the same for every row.</param>
    /// <param name="t1">The end time, the same for every row; below <paramref name="t0"/> to integrate backwards.</param>
    /// <param name="rtol">Relative tolerance of a step's error.</param>
    /// <param name="atol">Absolute tolerance of a step's error, in the states' units.</param>
    /// <param name="maxSteps">The most step attempts (accepted or rejected) a row may take.</param>
    /// <param name="what">Names the equation in the error when a row needs more than <paramref name="maxSteps"/> attempts
    /// (e.g. "The likelihood ODE").</param>
    /// <param name="maxStepsOption">The option that sets <paramref name="maxSteps"/>, or that loosens the tolerance, named in that error.</param>
    /// <param name="nonFinite">Makes the exception thrown when a row's step turns non-finite (NaN or infinite), given the
    /// row and its time; without it, an <see cref="InvalidOperationException"/>. Such a row is refused at once rather than
    /// retried with ever smaller steps.</param>
    /// <returns>The state at t1 and the number of accepted steps of each row.</returns>
    public static (Tensor State, int[] Steps) Integrate(Func<Tensor, Tensor, Tensor> f, Tensor y0, double t0, double t1,
        double rtol, double atol, int maxSteps, string what, string maxStepsOption, Func<int, double, Exception>? nonFinite = null)
    {
        int rows = (int)y0.shape[0];
        var t = Enumerable.Repeat(t0, rows).ToArray();
        var h = Enumerable.Repeat((t1 - t0) * 1e-2, rows).ToArray();
        var accepted = new int[rows];
        var attempts = new int[rows];
        var done = new bool[rows];
        var device = y0.device;
        var columnShape = Enumerable.Repeat(1L, (int)y0.dim()).ToArray();
        columnShape[0] = rows;
        Tensor y, k1;
        using (var scope = NewDisposeScope())
        {
            y = y0.clone().MoveToOuterDisposeScope();
            k1 = f(y, full(rows, t0, dtype: ScalarType.Float64, device: device)).MoveToOuterDisposeScope();
        }
        while (done.Contains(false))
        {
            using var scope = NewDisposeScope();
            var stepSize = new double[rows];
            var last = new bool[rows];
            for (int i = 0; i < rows; i++)
            {
                if (done[i]) continue;
                if (++attempts[i] > maxSteps)
                    throw new InvalidOperationException($"{what} needed more than {maxSteps} steps for row {i} (t = {t[i]:G4}); " +
                        $"the score model may be broken, or change {maxStepsOption}.");
                last[i] = Math.Abs(h[i]) >= Math.Abs(t1 - t[i]);
                stepSize[i] = last[i] ? t1 - t[i] : h[i];
            }
            var hColumn = tensor(stepSize, dtype: y.dtype, device: device).reshape(columnShape);
            var times = tensor(t, dtype: ScalarType.Float64, device: device);
            var hTimes = tensor(stepSize, dtype: ScalarType.Float64, device: device);
            var k = new Tensor[7];
            k[0] = k1;
            for (int s = 1; s < 7; s++)
            {
                var stage = y.alias();
                for (int j = 0; j < s; j++)
                    if (A[s][j] != 0) stage = stage + hColumn * (A[s][j] * k[j]);
                k[s] = f(stage, times + C[s] * hTimes);
            }
            var yNew = y.alias();   // the fifth-order solution, also the input of the 7th stage
            for (int j = 0; j < 6; j++) if (A[6][j] != 0) yNew = yNew + hColumn * (A[6][j] * k[j]);
            var error = zeros_like(y);
            for (int j = 0; j < 7; j++) if (E[j] != 0) error = error + hColumn * (E[j] * k[j]);
            var scale = atol + rtol * maximum(y.abs(), yNew.abs());
            var norms = (error / scale).to(ScalarType.Float64).square().flatten(1).mean(new long[] { 1 }).sqrt().cpu().data<double>().ToArray();
            var accept = new bool[rows];
            for (int i = 0; i < rows; i++)
            {
                if (done[i]) continue;
                if (!double.IsFinite(norms[i]))
                    throw nonFinite?.Invoke(i, t[i]) ?? new InvalidOperationException($"{what} became non-finite (NaN or infinite) for " +
                        $"row {i} at t = {t[i]:G4}; the score model may be broken.");
                accept[i] = norms[i] <= 1;
                if (accept[i])
                {
                    t[i] = last[i] ? t1 : t[i] + stepSize[i];
                    accepted[i]++;
                    done[i] = last[i];
                }
                h[i] = stepSize[i] * (norms[i] == 0 ? 10 : Math.Clamp(0.9 * Math.Pow(norms[i], -0.2), 0.2, 10));
            }
            var acceptColumn = tensor(accept, device: device).reshape(columnShape);
            var nextY = where(acceptColumn, yNew, y).MoveToOuterDisposeScope();
            var nextK1 = where(acceptColumn, k[6], k1).MoveToOuterDisposeScope();   // first-same-as-last
            y.Dispose();
            k1.Dispose();
            y = nextY;
            k1 = nextK1;
        }
        k1.Dispose();
        return (y, accepted);
    }
}
