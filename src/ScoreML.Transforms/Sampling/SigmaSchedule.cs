namespace ScoreML.Transforms.Sampling;

/// <summary>The noise levels a sigma-based sampler steps through: N levels from sigma(T) down to sigma(epsilon), then 0.</summary>
internal static class SigmaSchedule
{
    /// <returns>N + 1 levels, strictly decreasing, the last 0.</returns>
    public static double[] Levels(SigmaScheduleKind kind, StochasticDifferentialEquation sde, double epsilon, int steps, double rho)
    {
        double sigmaMax = sde.Sigma(sde.T), sigmaMin = sde.Sigma(epsilon);
        if (!(sigmaMin > 0 && sigmaMin < sigmaMax && double.IsFinite(sigmaMax)))
            throw new ArgumentException($"The {sde.GetType().Name}'s noise level sigma(t) = std(t) / m(t) must increase from t = epsilon " +
                $"to T for the sigma-based samplers; it goes from {sigmaMin:G4} to {sigmaMax:G4}. Use the predictor-corrector sampler.", nameof(sde));
        var levels = new double[steps + 1];
        for (int i = 0; i < steps; i++)
        {
            double u = steps == 1 ? 0 : (double)i / (steps - 1);   // 0 at sigma(T), 1 at sigma(epsilon)
            levels[i] = kind switch
            {
                SigmaScheduleKind.Karras => Math.Pow(Math.Pow(sigmaMax, 1 / rho) + u * (Math.Pow(sigmaMin, 1 / rho) - Math.Pow(sigmaMax, 1 / rho)), rho),
                SigmaScheduleKind.UniformTime => sde.Sigma(sde.T + u * (epsilon - sde.T)),
                SigmaScheduleKind.LogSnrUniform => sigmaMax * Math.Pow(sigmaMin / sigmaMax, u),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown sigma schedule."),
            };
        }
        // The ends exactly, whatever rounding the formulas left: the network is never asked outside its training range.
        levels[0] = sigmaMax;
        if (steps > 1) levels[steps - 1] = sigmaMin;
        levels[steps] = 0;
        return levels;
    }
}
