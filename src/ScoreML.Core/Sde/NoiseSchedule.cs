namespace ScoreML;

/// <summary>How the discrete noise levels of annealed Langevin dynamics are spaced between SigmaMax and SigmaMin.</summary>
public enum NoiseScheduleKind
{
    /// <summary>sigma_i = smax (smin/smax)^((i-1)/(L-1)): equal ratios (NCSN's default).</summary>
    Geometric,
    /// <summary>Equal differences.</summary>
    Linear,
    /// <summary>sigma = smin + (smax - smin) (1 + cos(pi u)) / 2 for u = 0..1: dense at both ends.</summary>
    Cosine,
    /// <summary>sigma = smin + (smax - smin) (1 - sigmoid(12 (u - 1/2))) rescaled to hit both ends: dense at both ends, steeper in the middle.</summary>
    Sigmoid,
}

/// <summary>Discrete noise sequences sigma_1 &gt; ... &gt; sigma_L with sigma_1 = SigmaMax and sigma_L = SigmaMin.</summary>
public static class NoiseSchedule
{
    /// <summary>The <paramref name="count"/> noise levels from <paramref name="sigmaMax"/> down to <paramref name="sigmaMin"/>,
    /// both ends exact, spaced as <paramref name="kind"/> says.</summary>
    /// <param name="kind">How the levels are spaced.</param>
    /// <param name="sigmaMin">The last, smallest level; positive.</param>
    /// <param name="sigmaMax">The first, largest level; above <paramref name="sigmaMin"/>.</param>
    /// <param name="count">Number of levels, at least 2.</param>
    public static double[] Levels(NoiseScheduleKind kind, double sigmaMin, double sigmaMax, int count)
    {
        if (!(sigmaMin > 0)) throw new ArgumentOutOfRangeException(nameof(sigmaMin), sigmaMin, "SigmaMin must be positive.");
        if (!(sigmaMin < sigmaMax)) throw new ArgumentOutOfRangeException(nameof(sigmaMax), sigmaMax, $"SigmaMin ({sigmaMin}) must be smaller than SigmaMax ({sigmaMax}).");
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), count, "A noise sequence needs at least two levels.");
        var levels = new double[count];
        double s0 = Sigmoid(-6), s1 = Sigmoid(6);
        for (int i = 0; i < count; i++)
        {
            double u = (double)i / (count - 1);   // 0 at SigmaMax, 1 at SigmaMin
            levels[i] = kind switch
            {
                NoiseScheduleKind.Geometric => sigmaMax * Math.Pow(sigmaMin / sigmaMax, u),
                NoiseScheduleKind.Linear => sigmaMax + (sigmaMin - sigmaMax) * u,
                NoiseScheduleKind.Cosine => sigmaMin + (sigmaMax - sigmaMin) * 0.5 * (1 + Math.Cos(Math.PI * u)),
                NoiseScheduleKind.Sigmoid => sigmaMin + (sigmaMax - sigmaMin) * (s1 - Sigmoid(12 * (u - 0.5))) / (s1 - s0),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown noise schedule."),
            };
        }
        levels[0] = sigmaMax;
        levels[count - 1] = sigmaMin;
        return levels;
    }

    static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
}
