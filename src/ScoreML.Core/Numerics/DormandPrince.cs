using static TorchSharp.torch;

namespace ScoreML.Numerics;

/// <summary>
/// The adaptive Dormand-Prince 5(4) Runge-Kutta method (the RK45 of scipy's solve_ivp, which score_sde uses), for a state
/// tensor integrated from t0 to t1 with one step size for the whole batch. The error norm is the root mean square of
/// err / (atol + rtol max(|y|, |y_new|)), as scipy computes it.
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

    /// <param name="what">Names the equation in the error when it needs more than <paramref name="maxSteps"/> steps
    /// (e.g. "The likelihood ODE").</param>
    /// <param name="maxStepsOption">The option that sets <paramref name="maxSteps"/>, named in that error.</param>
    /// <returns>The state at t1 and the number of accepted steps.</returns>
    public static (Tensor State, int Steps) Integrate(Func<Tensor, double, Tensor> f, Tensor y0, double t0, double t1,
        double rtol, double atol, int maxSteps, string what, string maxStepsOption)
    {
        double t = t0, h = (t1 - t0) * 1e-2;
        var y = y0.alias();
        var k1 = f(y, t);
        int accepted = 0;
        for (int attempt = 0; t < t1; attempt++)
        {
            if (attempt >= maxSteps)
                throw new InvalidOperationException($"{what} needed more than {maxSteps} steps (t = {t:G4}); the score model may be broken, or raise {maxStepsOption}.");
            bool last = h >= t1 - t;
            if (last) h = t1 - t;
            using var scope = NewDisposeScope();
            var k = new Tensor[7];
            k[0] = k1;
            for (int s = 1; s < 7; s++)
            {
                var stage = y.alias();
                for (int j = 0; j < s; j++)
                    if (A[s][j] != 0) stage = stage + h * A[s][j] * k[j];
                k[s] = f(stage, t + C[s] * h);
            }
            var yNew = y.alias();   // the fifth-order solution, also the input of the 7th stage
            for (int j = 0; j < 6; j++) if (A[6][j] != 0) yNew = yNew + h * A[6][j] * k[j];
            var error = zeros_like(y);
            for (int j = 0; j < 7; j++) if (E[j] != 0) error = error + h * E[j] * k[j];
            var scale = atol + rtol * maximum(y.abs(), yNew.abs());
            double norm = (error / scale).square().mean().sqrt().item<double>();
            if (norm <= 1)
            {
                t = last ? t1 : t + h;
                accepted++;
                y.Dispose();
                k1.Dispose();
                y = yNew.MoveToOuterDisposeScope();
                k1 = k[6].MoveToOuterDisposeScope();   // first-same-as-last
            }
            double factor = norm == 0 ? 10 : Math.Clamp(0.9 * Math.Pow(norm, -0.2), 0.2, 10);
            h *= factor;
        }
        return (y, accepted);
    }
}
